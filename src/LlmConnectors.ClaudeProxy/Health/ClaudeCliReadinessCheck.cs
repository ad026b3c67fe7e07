namespace LlmConnectors.ClaudeProxy.Health;

/// <summary>Readiness of the default backend: the CLI is found, answers <c>--version</c>, and <c>claude auth status</c> reports credentials (no tokens spent).</summary>
internal sealed class ClaudeCliReadinessCheck(ClaudeCliChatClient client) : IReadinessCheck
{
    /// <inheritdoc/>
    public async Task<ReadinessReport> CheckAsync(CancellationToken cancellationToken)
    {
        var info = await client.GetCliInfoAsync(cancellationToken);
        var checks = new Dictionary<string, object?>
        {
            ["chat_client"] = "claude-code",
            ["cli_found"] = info.IsInstalled,
            ["cli_version"] = info.Version,
            ["authenticated"] = info.IsLoggedIn,
            ["auth_method"] = info.AuthMethod,
            ["warm_processes"] = client.WarmProcessCount,
            ["queued_requests"] = client.QueueLength,
        };

        // An unknown login state (an older CLI without `auth status --json`) does not block readiness; a definite "no" does.
        var ready = info.IsInstalled && info.IsLoggedIn != false;
        return new ReadinessReport(ready, checks, info.Problem);
    }
}
