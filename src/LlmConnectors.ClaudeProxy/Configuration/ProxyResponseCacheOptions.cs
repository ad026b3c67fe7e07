namespace LlmConnectors.ClaudeProxy.Configuration;

/// <summary>The shared response cache, bound from <c>ClaudeProxy:ResponseCache</c>; its entries live in <c>ClaudeProxy:Redis</c>.</summary>
internal sealed class ProxyResponseCacheOptions
{
    /// <summary>Gets or sets a value indicating whether answers are cached in Redis and served to any replica. Default: <see langword="false"/>.</summary>
    public bool Enabled { get; set; }

    /// <summary>Gets or sets how long a cached answer is served after it was stored. Default: 1 hour.</summary>
    public TimeSpan Expiration { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Gets or sets a value indicating whether callers with different API keys share cached answers. Default: <see langword="false"/>:
    /// each cache key includes a hash of the caller's key (never the key itself), so no caller is ever served another's answer.
    /// </summary>
    public bool ShareAcrossApiKeys { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether requests that ask for sampling are cached too. Default: <see langword="false"/>: only
    /// requests with <c>temperature: 0</c> (the caller asked for the same answer every time) are cached; a request without a
    /// temperature, or with another, asks for a fresh sample and is always sent to the model.
    /// </summary>
    public bool CacheSampledRequests { get; set; }
}
