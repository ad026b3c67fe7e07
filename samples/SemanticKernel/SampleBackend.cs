using LlmConnectors;
using Microsoft.Extensions.AI;

/// <summary>The backend this sample talks to, from the environment (the same variables as every sample; see README.md).</summary>
internal static class SampleBackend
{
    /// <summary>OpenRouter when <c>OPENROUTER_API_KEY</c> is set, else the local <c>claude</c> CLI (<c>CLAUDE_CLI_PATH</c> or on PATH).</summary>
    public static IChatClient FromEnvironment()
    {
        if (Environment.GetEnvironmentVariable("OPENROUTER_API_KEY") is { Length: > 0 } apiKey)
        {
            var options = new OpenRouterClientOptions { ApiKey = apiKey, ModelId = "openai/gpt-4o-mini", AppTitle = "LlmConnectors sample" };
            if (Environment.GetEnvironmentVariable("OPENROUTER_BASE_URL") is { Length: > 0 } baseUrl)
            {
                options.Endpoint = new Uri(baseUrl);
            }

            return new OpenRouterChatClient(options);
        }

        var claude = Environment.GetEnvironmentVariable("CLAUDE_CLI_PATH") is { Length: > 0 } path ? path : "claude";
        return new ClaudeCliChatClient(new ClaudeCliOptions { ExecutablePath = claude, ModelId = "haiku" });
    }
}
