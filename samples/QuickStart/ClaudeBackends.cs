using LlmConnectors;

/// <summary>The Claude backends: a running Claude proxy (CLAUDE_PROXY_URL), else the local claude CLI.</summary>
internal static class ClaudeBackends
{
    public static QuickStartBackend? FromEnvironment()
    {
        var model = Environment.GetEnvironmentVariable("CLAUDE_MODEL") is { Length: > 0 } m ? m : "sonnet";
        if (Environment.GetEnvironmentVariable("CLAUDE_PROXY_URL") is { Length: > 0 } proxyUrl)
        {
            // The proxy's API lives under /v1; CLAUDE_PROXY_API_KEY is read by the client when the proxy has a key.
            var endpoint = new Uri(proxyUrl.TrimEnd('/').EndsWith("/v1", StringComparison.Ordinal) ? proxyUrl : proxyUrl.TrimEnd('/') + "/v1");
            var proxy = new ClaudeProxyChatClient(new ClaudeProxyClientOptions { Endpoint = endpoint, ModelId = model });
            return new QuickStartBackend(proxy, $"Claude proxy ({endpoint})", model);
        }

        var executable = FindClaude();
        if (executable is null)
        {
            return null;
        }

        // The CLI runs with no tools at all (no Bash, no file edits), in an empty temporary directory.
        var cli = new ClaudeCliChatClient(new ClaudeCliOptions { ExecutablePath = executable, ModelId = model });
        return new QuickStartBackend(cli, $"Claude Code CLI ({executable})", model);
    }

    /// <summary>CLAUDE_CLI_PATH when set, else claude on PATH.</summary>
    private static string? FindClaude()
    {
        if (Environment.GetEnvironmentVariable("CLAUDE_CLI_PATH") is { Length: > 0 } configured)
        {
            return configured;
        }

        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, OperatingSystem.IsWindows() ? "claude.cmd" : "claude");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
