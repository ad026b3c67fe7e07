using LlmConnectors.ClaudeProxy.Http;

namespace LlmConnectors.ClaudeProxy.Health;

/// <summary>
/// Readiness of the default backend: the CLI is found, answers <c>--version</c>, and <c>claude auth status</c> reports credentials (no
/// tokens spent). <c>/health/ready</c> needs no key, so its answer names no path, directory or CLI output: those go to the log.
/// </summary>
internal sealed class ClaudeCliReadinessCheck(ClaudeCliChatClient client, ILogger<ClaudeCliReadinessCheck> logger) : IReadinessCheck
{
    /// <summary>What <c>/health/ready</c> says when the CLI cannot be started.</summary>
    public const string CliNotFoundMessage =
        "The Claude CLI cannot be started. Install it (npm install -g @anthropic-ai/claude-code) or set ClaudeProxy:Cli:ExecutablePath " +
        "(environment variable ClaudeProxy__Cli__ExecutablePath) to its full path; the proxy's log has the details.";

    /// <summary>What <c>/health/ready</c> says when the CLI reports that it is not logged in.</summary>
    public const string NotLoggedInMessage =
        "The Claude CLI is not logged in. Log it in as the proxy's user (claude /login), or give it a key with " +
        "ClaudeProxy:Cli:EnvironmentVariables:ANTHROPIC_API_KEY.";

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
            ["parked_processes"] = client.ParkedProcessCount,
        };

        string? message = null;
        if (!info.IsInstalled)
        {
            message = CliNotFoundMessage;
            ProxyHttpLog.CliMissing(logger, info.Problem ?? info.ExecutablePath);
        }
        else if (info.IsLoggedIn == false)
        {
            message = NotLoggedInMessage;
        }

        // An unknown login state (an older CLI without `auth status --json`) does not block readiness; a definite "no" does.
        var ready = info.IsInstalled && info.IsLoggedIn != false;
        return new ReadinessReport(ready, checks, message);
    }
}
