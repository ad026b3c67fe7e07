namespace LlmConnectors.ClaudeProxy.Configuration;

/// <summary>
/// The rate limit replicas share, bound from <c>ClaudeProxy:RateLimit</c>: each caller (API key) may start at most
/// <see cref="RequestsPerWindow"/> chat requests in any <see cref="Window"/>, counted in <c>ClaudeProxy:Redis</c> across replicas.
/// </summary>
internal sealed class ProxyRateLimitOptions
{
    /// <summary>Gets or sets how many chat requests one caller may send per window, on all replicas together; <see langword="null"/> for no limit. Default: <see langword="null"/>.</summary>
    public int? RequestsPerWindow { get; set; }

    /// <summary>Gets or sets the length of the sliding window, whole seconds. Default: 1 minute.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}
