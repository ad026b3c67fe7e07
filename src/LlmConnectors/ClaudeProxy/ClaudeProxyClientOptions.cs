namespace LlmConnectors;

/// <summary>Settings of <see cref="ClaudeProxyChatClient"/>. Configuration section: <c>ClaudeProxyClient</c>.</summary>
public sealed class ClaudeProxyClientOptions
{
    /// <summary>The environment variable read when <see cref="ApiKey"/> is not set.</summary>
    public const string ApiKeyEnvironmentVariable = "CLAUDE_PROXY_API_KEY";

    /// <summary>The proxy's default API base address.</summary>
    public static readonly Uri DefaultEndpoint = new("http://127.0.0.1:3010/v1");

    /// <summary>Gets or sets the proxy's API base address (ending in <c>/v1</c>). Default: <c>http://127.0.0.1:3010/v1</c>.</summary>
    public Uri Endpoint { get; set; } = DefaultEndpoint;

    /// <summary>
    /// Gets or sets the key the proxy expects (its <c>ClaudeProxy:ApiKey</c>), sent as <c>Authorization: Bearer</c>. Default: the
    /// <c>CLAUDE_PROXY_API_KEY</c> environment variable, or none (a proxy on loopback may run without a key).
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// Gets or sets the model used when <c>ChatOptions.ModelId</c> is not set: <c>sonnet</c>, <c>opus</c>, <c>haiku</c> or another id the
    /// proxy lists at <c>/v1/models</c>. A <c>max/</c> prefix (<c>max/sonnet</c>) is removed on the wire. Default: <c>sonnet</c>.
    /// </summary>
    public string? ModelId { get; set; } = "sonnet";

    /// <summary>
    /// Gets or sets the HTTP client that sends the requests (for example from <c>IHttpClientFactory</c>). Default: <see langword="null"/>,
    /// a client owned and disposed by the <see cref="ClaudeProxyChatClient"/>.
    /// </summary>
    public HttpClient? HttpClient { get; set; }

    /// <summary>Gets or sets the transport-retry settings (429 with <c>Retry-After</c>, 502, 503, 504, network faults). Default: <see cref="TransportRetryOptions"/> defaults.</summary>
    public TransportRetryOptions Retry { get; set; } = new();

    /// <summary>Gets or sets the time allowed for each attempt until the response headers arrive; <see langword="null"/> for no limit. Default: 10 minutes.</summary>
    public TimeSpan? Timeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Gets the API key to send: <see cref="ApiKey"/>, else the <c>CLAUDE_PROXY_API_KEY</c> environment variable.</summary>
    /// <returns>The key, or <see langword="null"/> for none.</returns>
    public string? ResolveApiKey() =>
        !string.IsNullOrWhiteSpace(ApiKey) ? ApiKey : Environment.GetEnvironmentVariable(ApiKeyEnvironmentVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : null;

    /// <summary>Checks the settings and returns one message per problem, naming the setting and what to do.</summary>
    /// <param name="sectionName">The configuration path of these options, used in the messages.</param>
    /// <returns>The problems found; empty when the settings are valid.</returns>
    public IReadOnlyList<string> Validate(string sectionName = "ClaudeProxyClient")
    {
        var errors = new List<string>();
        if (Endpoint is null || !Endpoint.IsAbsoluteUri || Endpoint.Scheme is not ("http" or "https"))
        {
            errors.Add($"{sectionName}:Endpoint is '{Endpoint}'; it must be an absolute http(s) URL such as {DefaultEndpoint}.");
        }

        if (Timeout is { } timeout && timeout <= TimeSpan.Zero && timeout != System.Threading.Timeout.InfiniteTimeSpan)
        {
            errors.Add($"{sectionName}:Timeout is {timeout}; it must be positive (for example 00:10:00), or unset for no limit.");
        }

        if (Retry is null)
        {
            errors.Add($"{sectionName}:Retry is null; leave it at its default or set its members.");
        }
        else
        {
            errors.AddRange(Retry.Validate(sectionName + ":Retry"));
        }

        return errors;
    }
}
