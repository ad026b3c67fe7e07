namespace LlmConnectors.Cli.Backends;

/// <summary>Finds the Claude Code CLI the way the OS would, without a shell.</summary>
internal static class ExecutableLocator
{
    /// <summary>Finds the CLI: <c>CLAUDE_CLI_PATH</c> when set (it must exist), else <c>claude</c> on PATH.</summary>
    /// <returns>The full path, or <see langword="null"/> when it is not there.</returns>
    public static string? FindClaude(LlmcSettings settings)
    {
        if (settings.ClaudeCliPath is { } configured)
        {
            return File.Exists(configured) ? Path.GetFullPath(configured) : FindOnPath(configured);
        }

        return FindOnPath("claude");
    }

    private static string? FindOnPath(string name)
    {
        if (name.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            return null;
        }

        var extensions = OperatingSystem.IsWindows() ? new[] { ".cmd", ".exe", string.Empty } : [string.Empty];
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var extension in extensions)
            {
                var candidate = Path.Combine(directory, name + extension);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}
