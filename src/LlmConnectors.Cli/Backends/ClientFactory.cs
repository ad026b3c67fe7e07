using Microsoft.Extensions.AI;

namespace LlmConnectors.Cli.Backends;

/// <summary>Creates the leaf client for a backend from the settings.</summary>
internal static class ClientFactory
{
    public static IChatClient Create(BackendSelection selection, LlmcSettings settings) => selection.Backend switch
    {
        BackendKind.OpenRouter => CreateOpenRouter(settings, selection.ModelId),
        BackendKind.ClaudeCli => ClaudeClients.CreateCli(settings, selection.ModelId),
        BackendKind.ClaudeProxy => ClaudeClients.CreateProxy(settings, selection.ModelId),
        _ => throw new ArgumentOutOfRangeException(nameof(selection), selection.Backend, "Unknown backend."),
    };

    public static OpenRouterChatClient CreateOpenRouter(LlmcSettings settings, string? modelId) => new(new OpenRouterClientOptions
    {
        ApiKey = settings.OpenRouterApiKey,
        Endpoint = settings.OpenRouterEndpoint,
        ModelId = modelId,
        AppTitle = "llmc",
    });
}
