namespace LlmConnectors.Cli.Backends;

/// <summary>Creates the Claude clients: the local CLI, and the proxy.</summary>
internal static class ClaudeClients
{
    public static ClaudeCliChatClient CreateCli(LlmcSettings settings, string? modelId) => new(new ClaudeCliOptions
    {
        ExecutablePath = ExecutableLocator.FindClaude(settings) ?? settings.ClaudeCliPath ?? "claude",
        ModelId = modelId,
    });

    /// <summary>Creates a client for the proxy at <c>CLAUDE_PROXY_URL</c> (its API lives under <c>/v1</c>).</summary>
    public static ClaudeProxyChatClient CreateProxy(LlmcSettings settings, string modelId) => new(new ClaudeProxyClientOptions
    {
        Endpoint = ApiEndpoint(settings.ClaudeProxyUrl ?? throw new InvalidOperationException($"{LlmcSettings.ClaudeProxyUrlVariable} is not set.")),
        ApiKey = settings.ClaudeProxyApiKey,
        ModelId = modelId,
    });

    /// <summary>Accepts <c>http://host:3010</c> and <c>http://host:3010/v1</c> alike.</summary>
    public static Uri ApiEndpoint(Uri proxyUrl)
    {
        var text = proxyUrl.ToString().TrimEnd('/');
        return new Uri(text.EndsWith("/v1", StringComparison.Ordinal) ? text : text + "/v1");
    }
}
