namespace LlmConnectors.Cli.Backends;

/// <summary>
/// The environment variables <c>llmc</c>, the samples and the notebooks read. Keys are never taken from the command line
/// (a command line is visible to every user in <c>ps</c>).
/// </summary>
internal sealed record LlmcSettings
{
    public const string OpenRouterApiKeyVariable = "OPENROUTER_API_KEY";
    public const string OpenRouterBaseUrlVariable = "OPENROUTER_BASE_URL";
    public const string OpenRouterModelVariable = "OPENROUTER_MODEL";
    public const string ClaudeCliPathVariable = "CLAUDE_CLI_PATH";
    public const string ClaudeModelVariable = "CLAUDE_MODEL";
    public const string ClaudeProxyUrlVariable = "CLAUDE_PROXY_URL";
    public const string ClaudeProxyApiKeyVariable = "CLAUDE_PROXY_API_KEY";

    public const string DefaultOpenRouterModel = "openai/gpt-4o-mini";
    public const string DefaultClaudeModel = "sonnet";

    public string? OpenRouterApiKey { get; init; }

    public Uri OpenRouterEndpoint { get; init; } = OpenRouterClientOptions.DefaultEndpoint;

    public string OpenRouterModel { get; init; } = DefaultOpenRouterModel;

    public string? ClaudeCliPath { get; init; }

    public string ClaudeModel { get; init; } = DefaultClaudeModel;

    public Uri? ClaudeProxyUrl { get; init; }

    public string? ClaudeProxyApiKey { get; init; }

    /// <summary>Gets the problems with the values that are set (a malformed URL, say); empty when they are usable.</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];

    public bool HasOpenRouterKey => !string.IsNullOrWhiteSpace(OpenRouterApiKey);

    public static LlmcSettings FromEnvironment()
    {
        var problems = new List<string>();
        var openRouterEndpoint = ReadUrl(OpenRouterBaseUrlVariable, problems) ?? OpenRouterClientOptions.DefaultEndpoint;
        var proxyUrl = ReadUrl(ClaudeProxyUrlVariable, problems);
        return new LlmcSettings
        {
            OpenRouterApiKey = Read(OpenRouterApiKeyVariable),
            OpenRouterEndpoint = openRouterEndpoint,
            OpenRouterModel = Read(OpenRouterModelVariable) ?? DefaultOpenRouterModel,
            ClaudeCliPath = Read(ClaudeCliPathVariable),
            ClaudeModel = Read(ClaudeModelVariable) ?? DefaultClaudeModel,
            ClaudeProxyUrl = proxyUrl,
            ClaudeProxyApiKey = Read(ClaudeProxyApiKeyVariable),
            Problems = problems,
        };
    }

    private static string? Read(string name) =>
        Environment.GetEnvironmentVariable(name) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    private static Uri? ReadUrl(string name, List<string> problems)
    {
        var value = Read(name);
        if (value is null)
        {
            return null;
        }

        if (Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            return uri;
        }

        problems.Add($"{name} is '{value}'; set it to an absolute http(s) URL, for example {(name == ClaudeProxyUrlVariable ? "http://127.0.0.1:3010" : "https://openrouter.ai/api/v1")}.");
        return null;
    }
}
