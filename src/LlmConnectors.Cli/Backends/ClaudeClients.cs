using Microsoft.Extensions.AI;

namespace LlmConnectors.Cli.Backends;

/// <summary>Creates the Claude clients: the local CLI, and the proxy.</summary>
internal static class ClaudeClients
{
    public static ClaudeCliChatClient CreateCli(LlmcSettings settings, string? modelId) => new(new ClaudeCliOptions
    {
        ExecutablePath = ExecutableLocator.FindClaude(settings) ?? settings.ClaudeCliPath ?? "claude",
        ModelId = modelId,
    });

    public static IChatClient CreateProxy(LlmcSettings settings, string modelId) =>
        throw new NotSupportedException($"ClaudeProxyChatClient is not merged yet ({settings.ClaudeProxyUrl}, {modelId}).");
}
