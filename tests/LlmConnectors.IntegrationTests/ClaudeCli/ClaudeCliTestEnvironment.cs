using LlmConnectors.TestServers.Anthropic;

namespace LlmConnectors.IntegrationTests.ClaudeCli;

/// <summary>Finds the pinned Claude CLI and builds isolated options that point it at a scripted backend.</summary>
internal static class ClaudeCliTestEnvironment
{
    public const string ApiKey = "sk-ant-test-0000000000";

    private static readonly Lazy<string> HomesRoot = new(() =>
    {
        var root = Directory.CreateTempSubdirectory("llmc-claude-tests-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
            }
        };
        return root;
    });

    public static string RepositoryRoot
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "LlmConnectors.sln")))
            {
                directory = directory.Parent;
            }

            return directory?.FullName ?? throw new InvalidOperationException("LlmConnectors.sln was not found above " + AppContext.BaseDirectory);
        }
    }

    public static string ClaudePath
    {
        get
        {
            var path = Path.Combine(RepositoryRoot, "tools", "node", "node_modules", ".bin", "claude");
            Assert.True(
                File.Exists(path),
                $"The pinned Claude Code CLI is missing at {path}. Install it with 'cd tools/node && npm ci' (building tests/LlmConnectors.IntegrationTests does it too; it needs Node.js 20+ with npm).");
            return path;
        }
    }

    /// <summary>Options for the real CLI against <paramref name="server"/>, with a private HOME and configuration directory.</summary>
    public static ClaudeCliOptions Options(ScriptedAnthropicServer? server, string? executable = null)
    {
        var home = Directory.CreateDirectory(Path.Combine(HomesRoot.Value, Guid.NewGuid().ToString("N"))).FullName;
        var options = new ClaudeCliOptions
        {
            ExecutablePath = executable ?? ClaudePath,
            ConfigDirectory = Path.Combine(home, ".claude"),
            ModelId = "claude-test-default",
            RequestTimeout = TimeSpan.FromSeconds(60),
        };
        options.Retry.Enabled = false;
        options.EnvironmentVariables["HOME"] = home;
        options.EnvironmentVariables["ANTHROPIC_API_KEY"] = ApiKey;
        options.EnvironmentVariables["ANTHROPIC_AUTH_TOKEN"] = null;
        options.EnvironmentVariables["CLAUDE_CODE_OAUTH_TOKEN"] = null;
        options.EnvironmentVariables["ANTHROPIC_BASE_URL"] = server?.BaseUrl ?? "http://127.0.0.1:9";
        return options;
    }

    /// <summary>A shell script standing in for the CLI.</summary>
    public static string FakeExecutable(string body)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("llmc-fake-claude-").FullName, "claude");
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        Assert.False(OperatingSystem.IsWindows(), "The fake CLI is a POSIX shell script; run these tests on Linux or macOS.");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return path;
    }

    /// <summary>Asserts that no process started with the client's private HOME (the CLI, or anything it started) is still running.</summary>
    public static async Task AssertNoProcessSurvivesAsync(ClaudeCliChatClient client)
    {
        var home = client.Options.EnvironmentVariables["HOME"];
        Assert.False(string.IsNullOrEmpty(home), "The client's options have no private HOME; build them with ClaudeCliTestEnvironment.Options.");

        // The client waits for the kill to land before it returns; allow the kernel a moment to reap.
        IReadOnlyList<int> running = [];
        for (var attempt = 0; attempt < 50; attempt++)
        {
            running = ProcessesWithHome(home!);
            if (running.Count == 0)
            {
                return;
            }

            await Task.Delay(100).ConfigureAwait(false);
        }

        Assert.Fail($"Processes started with HOME={home} are still running: {string.Join(", ", running.Select(Describe))}.");
    }

    /// <summary>
    /// Finds the running (not zombie) processes whose environment has <c>HOME=<paramref name="home"/></c>: every CLI process of one
    /// test's options, and anything those started, whoever their parent is now.
    /// </summary>
    public static IReadOnlyList<int> ProcessesWithHome(string home)
    {
        var needle = System.Text.Encoding.UTF8.GetBytes("HOME=" + home + "\0");
        var found = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var id) || id == Environment.ProcessId)
            {
                continue;
            }

            try
            {
                var environment = File.ReadAllBytes(Path.Combine(directory, "environ"));
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var state = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[0];
                if (state != "Z" && environment.AsSpan().IndexOf(needle) >= 0)
                {
                    found.Add(id);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process ended while being read.
            }
        }

        return found;
    }

    private static string Describe(int id)
    {
        try
        {
            return $"{id} ({File.ReadAllText($"/proc/{id}/cmdline").Replace('\0', ' ').Trim()})";
        }
        catch (IOException)
        {
            return id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
