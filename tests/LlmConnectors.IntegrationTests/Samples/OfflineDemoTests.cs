using LlmConnectors.IntegrationTests.Cli;

namespace LlmConnectors.IntegrationTests.Samples;

/// <summary>
/// The try-it-offline recipe of README.md, as a newcomer runs it: the <c>demo</c> command of tests/LlmConnectors.TestServers
/// starts the scripted backends and prints the variables to export; with those (and nothing else), <c>llmc chat</c> is
/// answered by the real, pinned <c>claude</c> CLI.
/// </summary>
public sealed class OfflineDemoTests
{
    [Fact]
    public async Task Demo_PrintedExports_LlmcChatAnsweredThroughTheRealCli()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var dll = RepositoryLayout.BuiltAssembly(Path.Combine(RepositoryLayout.Root, "tests", "LlmConnectors.TestServers"), "LlmConnectors.TestServers");
        await using var demo = BackgroundProgram.Start(DotnetHost.Path, [dll, "demo"], RepositoryLayout.Root, SampleBackends.NothingConfigured);
        var exports = await WaitForExportsAsync(demo, cancellationToken);

        var result = await Llmc.RunAsync(SampleBackends.Merge(exports), "chat", "-m", "max/sonnet", "Hello from the README");

        Assert.True(result.ExitCode == 0, result.Describe("llmc chat") + "\n--- demo ---\n" + demo.Output);
        Assert.Contains("Hello from claude-sonnet", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("You said: Hello from the README", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("ANTHROPIC_BASE_URL", exports.Keys);
        Assert.Contains("OPENROUTER_BASE_URL", exports.Keys);
    }

    [Fact]
    public async Task Demo_NoCommand_PrintsUsageAndExits2()
    {
        var dll = RepositoryLayout.BuiltAssembly(Path.Combine(RepositoryLayout.Root, "tests", "LlmConnectors.TestServers"), "LlmConnectors.TestServers");

        var result = await ChildProcess.RunAsync(DotnetHost.Path, [dll], RepositoryLayout.Root, SampleBackends.NothingConfigured, TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);

        Assert.True(result.ExitCode == 2, result.Describe("the test servers without a command"));
        Assert.Contains("-- demo", result.StandardError, StringComparison.Ordinal);
    }

    /// <summary>Reads the <c>export NAME='value'</c> lines the demo prints, once it has printed the last one.</summary>
    private static async Task<Dictionary<string, string?>> WaitForExportsAsync(BackgroundProgram demo, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(1));
        while (!demo.Output.Contains("# then,", StringComparison.Ordinal))
        {
            Assert.False(demo.HasExited, "The demo exited early:\n" + demo.Output);
            await Task.Delay(100, timeout.Token);
        }

        return demo.Output.Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.StartsWith("export ", StringComparison.Ordinal))
            .Select(l => l["export ".Length..].Split('=', 2))
            .ToDictionary(p => p[0], p => (string?)p[1].Trim('\''));
    }
}
