namespace LlmConnectors;

/// <summary>
/// The limits a <see cref="ConcurrencyLimitingChatClient"/> puts on the requests to one provider: how many run at once, how many wait
/// (first in, first out), and optionally how many requests and prompt tokens may start per minute.
/// </summary>
public sealed class ChatRequestLimitOptions
{
    /// <summary>Gets or sets how many requests run at the same time. Default: 4.</summary>
    public int MaxConcurrentRequests { get; set; } = 4;

    /// <summary>
    /// Gets or sets how many requests may wait for a slot, in arrival order; a request that finds the queue full fails at once with
    /// an <see cref="LlmConnectorException"/> of kind <see cref="LlmErrorKind.RateLimited"/>. Default: 64; 0 rejects instead of waiting.
    /// </summary>
    public int QueueLimit { get; set; } = 64;

    /// <summary>
    /// Gets or sets the smallest retry hint of a queue-full rejection. The hint is how long a slot takes to free on average (the running
    /// average of request durations divided by <see cref="MaxConcurrentRequests"/>) when that is longer. Default: 1 second.
    /// </summary>
    public TimeSpan QueueFullRetryAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets how many requests may start per minute (a sliding window); <see langword="null"/> for no limit. Default: <see langword="null"/>.</summary>
    public int? RequestsPerMinute { get; set; }

    /// <summary>
    /// Gets or sets how many prompt tokens may be sent per minute (a token bucket refilled every second); <see langword="null"/> for no
    /// limit. A request is counted before it is sent, by an estimate of its prompt (one token per four characters of text).
    /// Default: <see langword="null"/>.
    /// </summary>
    public int? TokensPerMinute { get; set; }

    /// <summary>Checks the settings and returns one message per setting that is out of range, naming it and the accepted values.</summary>
    /// <param name="settingPrefix">The configuration path of these settings, used in the messages (for example <c>OpenAI:Limits</c>).</param>
    /// <returns>The problems found; empty when the settings are valid.</returns>
    public IReadOnlyList<string> Validate(string settingPrefix = "Limits")
    {
        var errors = new List<string>();
        if (MaxConcurrentRequests < 1)
        {
            errors.Add($"{settingPrefix}:MaxConcurrentRequests is {MaxConcurrentRequests}; it must be 1 or more.");
        }

        if (QueueLimit < 0)
        {
            errors.Add($"{settingPrefix}:QueueLimit is {QueueLimit}; it must be 0 or more (0 rejects a request when every slot is busy).");
        }

        if (QueueFullRetryAfter <= TimeSpan.Zero)
        {
            errors.Add($"{settingPrefix}:QueueFullRetryAfter is {QueueFullRetryAfter}; it must be positive (for example 00:00:01).");
        }

        if (RequestsPerMinute is < 1)
        {
            errors.Add($"{settingPrefix}:RequestsPerMinute is {RequestsPerMinute}; it must be 1 or more, or left out for no limit.");
        }

        if (TokensPerMinute is < 1)
        {
            errors.Add($"{settingPrefix}:TokensPerMinute is {TokensPerMinute}; it must be 1 or more, or left out for no limit.");
        }

        return errors;
    }
}
