using LlmConnectors.TestServers.Anthropic;
using LlmConnectors.TestServers.Samples;

namespace LlmConnectors.TestServers;

/// <summary>
/// The try-it-offline path of README.md: <c>dotnet run --project tests/LlmConnectors.TestServers -- demo</c> starts the scripted
/// backends the samples and notebooks are tested against, and prints the variables that point the real, pinned <c>claude</c>
/// CLI (tools/node), the proxy and the OpenRouter client at them. Stop with Ctrl+C.
/// </summary>
internal static class DemoProgram
{
    public static async Task<int> Main(string[] args)
    {
        if (args is not ["demo"])
        {
            Console.Error.WriteLine("Usage: dotnet run --project tests/LlmConnectors.TestServers -- demo");
            Console.Error.WriteLine("Starts a scripted Anthropic Messages API (for the real claude CLI) and a scripted OpenRouter API on free");
            Console.Error.WriteLine("loopback ports, prints the variables to export, and serves until Ctrl+C.");
            return 2;
        }

        var root = FindRepositoryRoot();
        var claude = Path.Combine(root, "tools", "node", "node_modules", ".bin", OperatingSystem.IsWindows() ? "claude.cmd" : "claude");
        if (!File.Exists(claude))
        {
            Console.Error.WriteLine($"The pinned Claude Code CLI is missing at {claude}. Install it once with: cd tools/node && npm ci (needs Node.js 20+).");
            return 3;
        }

        // Ctrl+C and SIGTERM (kill) stop the demo; the servers' own hosts would otherwise swallow SIGTERM.
        using var stopping = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stopping.Cancel();
        };
        using var terminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(
            System.Runtime.InteropServices.PosixSignal.SIGTERM,
            context =>
            {
                context.Cancel = true;
                stopping.Cancel();
            });

        await using var anthropic = await ScriptedAnthropicServer.StartAsync(stopping.Token);
        anthropic.DefaultReply = SampleClaudeReplies.Answer;
        await using var openRouter = await SampleOpenRouterServer.StartAsync(stopping.Token);

        // The CLI keeps its state in a private configuration directory: no login of this machine is read or changed.
        var configDirectory = Directory.CreateTempSubdirectory("llmconnectors-demo-claude-").FullName;
        var exports = new Dictionary<string, string>
        {
            ["CLAUDE_CLI_PATH"] = claude,
            ["ClaudeProxy__Cli__ExecutablePath"] = claude,
            ["CLAUDE_CONFIG_DIR"] = configDirectory,
            ["ANTHROPIC_BASE_URL"] = anthropic.BaseUrl,
            ["ANTHROPIC_API_KEY"] = "sk-ant-scripted-demo",

            // ANTHROPIC_API_KEY also configures llmc's (and AddLlmConnectors') anthropic provider, which takes its endpoint from here.
            ["Anthropic__Endpoint"] = anthropic.BaseUrl,
            ["CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC"] = "1",
            ["OPENROUTER_API_KEY"] = SampleOpenRouterServer.ApiKey,
            ["OPENROUTER_BASE_URL"] = openRouter.BaseUrl,
        };

        Console.WriteLine("# Scripted backends are up (offline; answers repeat the prompt). In another terminal, paste:");
        foreach (var (name, text) in exports)
        {
            Console.WriteLine(OperatingSystem.IsWindows() ? $"$env:{name}='{text}'" : $"export {name}='{text}'");
        }

        Console.WriteLine("# then, for example: dotnet run --project src/LlmConnectors.Cli -- chat -m max/sonnet \"Hello\"");
        Console.WriteLine("# or the proxy: dotnet run --project src/LlmConnectors.ClaudeProxy   (Ctrl+C here stops the backends)");
        try
        {
            await Task.Delay(Timeout.Infinite, stopping.Token);
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C.
        }

        Directory.Delete(configDirectory, recursive: true);
        return 0;
    }

    private static string FindRepositoryRoot()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "LlmConnectors.sln")))
                {
                    return directory.FullName;
                }
            }
        }

        throw new InvalidOperationException("Run the demo from a clone of the repository (LlmConnectors.sln was not found).");
    }
}
