using Microsoft.Extensions.AI;

namespace LlmConnectors.ClaudeProxy.Health;

/// <summary>The readiness check for a host-registered chat client the proxy knows nothing about: ready when it is constructed, reporting its metadata.</summary>
internal sealed class ChatClientReadinessCheck(IChatClient chatClient) : IReadinessCheck
{
    /// <inheritdoc/>
    public Task<ReadinessReport> CheckAsync(CancellationToken cancellationToken)
    {
        var metadata = chatClient.GetService<ChatClientMetadata>();
        var checks = new Dictionary<string, object?>
        {
            ["chat_client"] = metadata?.ProviderName ?? chatClient.GetType().Name,
            ["default_model"] = metadata?.DefaultModelId,
        };
        return Task.FromResult(new ReadinessReport(true, checks));
    }
}
