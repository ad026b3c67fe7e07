using Microsoft.Extensions.AI;

namespace LlmConnectors.Cli.Backends;

/// <summary>Interim: the Claude clients are merged from their branches.</summary>
internal static class ClaudeClients
{
    public static IChatClient CreateCli(LlmcSettings settings, string modelId) =>
        throw new NotSupportedException($"ClaudeCliChatClient is not merged yet ({settings.ClaudeCliPath}, {modelId}).");

    public static IChatClient CreateProxy(LlmcSettings settings, string modelId) =>
        throw new NotSupportedException($"ClaudeProxyChatClient is not merged yet ({settings.ClaudeProxyUrl}, {modelId}).");
}
