namespace LlmConnectors;

/// <summary>The <c>Failover</c> section of <see cref="ChatPipelineOptions"/>: the settings of <see cref="LlmFailoverChatClient"/>.</summary>
public sealed class FailoverPipelineOptions
{
    /// <summary>Gets or sets a value indicating whether failover is in the pipeline. Default: <see langword="true"/> when the section exists.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets the fallbacks, tried in order after the rest of the pipeline (routing or the leaf client) fails.</summary>
    public IList<FailoverEntryOptions> Fallbacks { get; } = [];

    /// <summary>
    /// Gets or sets the kinds of failure that fail over (replacing <see cref="LlmFailoverChatClient.DefaultFailoverOn"/>); the default when
    /// <see langword="null"/>. <c>InvalidRequest</c>, <c>RequestTooLarge</c> and <c>ContentFiltered</c> are not accepted.
    /// </summary>
    public IList<LlmErrorKind>? FailoverOn { get; set; }

    /// <summary>Gets or sets <see cref="LlmFailoverChatClient.DelayBetweenAttempts"/> (at most 2 seconds). Default: zero.</summary>
    public TimeSpan DelayBetweenAttempts { get; set; }

    /// <summary>Gets or sets <see cref="LlmFailoverChatClient.AttemptTimeout"/>. Default (<see langword="null"/>): no limit of the failover's own.</summary>
    public TimeSpan? AttemptTimeout { get; set; }

    /// <summary>Gets or sets <see cref="LlmFailoverChatClient.RetryBeforeHandover"/>. Default: <see langword="false"/> (hand over in under 2 s).</summary>
    public bool RetryBeforeHandover { get; set; }
}
