namespace LlmConnectors;

/// <summary>
/// Settings of the one transport-retry pipeline each leaf client owns (Polly v8): rate limits (429), request timeouts (408),
/// unavailable upstreams (502, 503) and network faults are retried with jittered exponential backoff that honours
/// <c>Retry-After</c>. Authentication (401), payment (402) and permission (403) failures are never retried.
/// </summary>
/// <remarks>
/// This is the only place in the pack where transport failures are retried: middlewares do not retry them, so retries never
/// multiply. Streaming requests are retried only before the first byte of the response body.
/// </remarks>
public sealed class TransportRetryOptions
{
    /// <summary>Gets or sets a value indicating whether transport retries are on. Default: <see langword="true"/>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets or sets how many times a failed request is retried (not counting the first try). Default: 3.</summary>
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>Gets or sets the delay before the first retry; later delays grow exponentially. Default: 1 second.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Gets or sets the longest delay between two tries. A provider whose <c>Retry-After</c> asks for longer is not retried: the
    /// failure reaches the caller at once, its <see cref="LlmConnectorException.RetryAfter"/> set. Default: 30 seconds.
    /// </summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets a value indicating whether delays are jittered, so that many clients do not retry in step. Default: <see langword="true"/>.</summary>
    public bool UseJitter { get; set; } = true;

    /// <summary>
    /// Gets or sets a value indicating whether a <c>Retry-After</c> sent by the provider sets the delay (never shorter than asked, and
    /// no retry when it is longer than <see cref="MaxDelay"/>). Default: <see langword="true"/>.
    /// </summary>
    public bool HonorRetryAfter { get; set; } = true;

    /// <summary>Checks the settings and returns one message per setting that is out of range, naming the setting and the accepted values.</summary>
    /// <param name="settingPrefix">The configuration path of these options, used in the messages (for example <c>OpenRouter:Retry</c>).</param>
    /// <returns>The problems found; empty when the settings are valid.</returns>
    public IReadOnlyList<string> Validate(string settingPrefix = "Retry")
    {
        var errors = new List<string>();
        if (MaxRetryAttempts is < 0 or > 100)
        {
            errors.Add($"{settingPrefix}:MaxRetryAttempts is {MaxRetryAttempts}; it must be between 0 and 100 (0, or {settingPrefix}:Enabled=false, switches retries off).");
        }

        if (BaseDelay < TimeSpan.Zero || BaseDelay > TimeSpan.FromHours(1))
        {
            errors.Add($"{settingPrefix}:BaseDelay is {BaseDelay}; it must be between 00:00:00 and 01:00:00.");
        }

        if (MaxDelay < BaseDelay)
        {
            errors.Add($"{settingPrefix}:MaxDelay is {MaxDelay}; it must be at least {settingPrefix}:BaseDelay ({BaseDelay}).");
        }

        return errors;
    }
}
