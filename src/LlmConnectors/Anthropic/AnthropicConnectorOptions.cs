namespace LlmConnectors;

/// <summary>Settings of <see cref="AnthropicConnectorChatClient"/>, the Anthropic Messages API through the official <c>Anthropic</c> SDK.</summary>
public sealed class AnthropicConnectorOptions
{
    /// <summary>Anthropic's API address.</summary>
    public static readonly Uri DefaultEndpoint = new("https://api.anthropic.com");

    /// <summary>The environment variable read when <see cref="ApiKey"/> is not set.</summary>
    public const string ApiKeyEnvironmentVariable = "ANTHROPIC_API_KEY";

    /// <summary>Gets or sets the API key; <c>ANTHROPIC_API_KEY</c> when unset.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Gets or sets the model used when a request does not name one. Default: <c>claude-haiku-4-5</c>.</summary>
    public string? ModelId { get; set; } = "claude-haiku-4-5";

    /// <summary>Gets or sets the API base address. Default: <see cref="DefaultEndpoint"/>.</summary>
    public Uri Endpoint { get; set; } = DefaultEndpoint;

    /// <summary>Gets or sets the output-token limit of a request that sets no <c>ChatOptions.MaxOutputTokens</c> (the Messages API requires one). Default: 4096.</summary>
    public int DefaultMaxOutputTokens { get; set; } = 4096;

    /// <summary>Gets or sets the HTTP client the SDK sends with; the SDK's own when <see langword="null"/>.</summary>
    public HttpClient? HttpClient { get; set; }

    /// <summary>
    /// Gets or sets the transport-retry settings. They configure the Anthropic SDK's own retries (<c>MaxRetries</c>: the attempts;
    /// the SDK chooses the delays and honours <c>Retry-After</c>); nothing else retries. <see cref="TransportRetryOptions.Enabled"/>
    /// <see langword="false"/> sets <c>MaxRetries</c> to 0.
    /// </summary>
    public TransportRetryOptions Retry { get; set; } = new();

    /// <summary>Gets or sets the SDK's timeout per request; <see langword="null"/> for the SDK's default (10 minutes). Default: 10 minutes.</summary>
    public TimeSpan? Timeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Gets the API key: <see cref="ApiKey"/>, else <c>ANTHROPIC_API_KEY</c>.</summary>
    /// <returns>The key, or <see langword="null"/>.</returns>
    public string? ResolveApiKey() => LeafOptionsChecks.FirstNonBlank(ApiKey, ApiKeyEnvironmentVariable);

    /// <summary>Checks the settings and returns one message per problem, naming the setting.</summary>
    /// <param name="sectionName">The configuration path of these settings, used in the messages.</param>
    /// <returns>The problems found; empty when the settings are valid.</returns>
    public IReadOnlyList<string> Validate(string sectionName = "Anthropic")
    {
        var errors = new List<string>();
        if (ResolveApiKey() is null)
        {
            errors.Add($"{sectionName}:ApiKey is not set: set {sectionName}:ApiKey or the {ApiKeyEnvironmentVariable} environment variable to an Anthropic API key (https://console.anthropic.com/settings/keys).");
        }

        if (DefaultMaxOutputTokens < 1)
        {
            errors.Add($"{sectionName}:DefaultMaxOutputTokens is {DefaultMaxOutputTokens}; it must be 1 or more (for example 4096).");
        }

        LeafOptionsChecks.CheckCommon(errors, sectionName, Endpoint, DefaultEndpoint.ToString(), Timeout, ModelId, "claude-haiku-4-5", Retry);
        return errors;
    }
}
