using LlmConnectors;
using Microsoft.Extensions.AI;

/// <summary>Chooses the leaf client from the environment: OpenRouter, then the Claude proxy, then the local claude CLI.</summary>
internal static class QuickStartBackends
{
    public static QuickStartBackend? FromEnvironment()
    {
        if (Environment.GetEnvironmentVariable("OPENROUTER_API_KEY") is { Length: > 0 } apiKey)
        {
            var model = Environment.GetEnvironmentVariable("OPENROUTER_MODEL") is { Length: > 0 } m ? m : "openai/gpt-4o-mini";
            var options = new OpenRouterClientOptions { ApiKey = apiKey, ModelId = model, AppTitle = "LlmConnectors QuickStart" };
            if (Environment.GetEnvironmentVariable("OPENROUTER_BASE_URL") is { Length: > 0 } baseUrl)
            {
                options.Endpoint = new Uri(baseUrl);
            }

            return new QuickStartBackend(new OpenRouterChatClient(options), $"OpenRouter ({options.Endpoint})", model);
        }

        return ClaudeBackends.FromEnvironment();
    }
}
