using System.Globalization;
using System.Text.RegularExpressions;
using CliWrap;
using LlmConnectors.IntegrationTests.ClaudeCli;
using LlmConnectors.IntegrationTests.Samples;
using LlmConnectors.TestServers.Anthropic;

namespace LlmConnectors.IntegrationTests.ClaudeProxy;

/// <summary>
/// The real proxy as its own process (<c>dotnet LlmConnectors.ClaudeProxy.dll --urls http://127.0.0.1:0</c>), driving the real pinned
/// Claude CLI against a scripted Anthropic backend, started with CliWrap. Disposing it sends SIGTERM (graceful shutdown) and checks
/// that it exits; CliWrap's forceful cancellation (the whole tree killed) is the fallback.
/// </summary>
public sealed partial class ProxyProcess : IAsyncDisposable
{
    public const string ApiKey = "proxy-e2e-key-0123456789abcdef";

    private readonly List<string> _output = [];
    private readonly CancellationTokenSource _kill = new();
    private CommandTask<CommandResult> _task = null!;

    private ProxyProcess()
    {
    }

    /// <summary>Gets the proxy's address, for example <c>http://127.0.0.1:41234</c>.</summary>
    public string BaseUrl { get; private set; } = string.Empty;

    public int ProcessId => _task.ProcessId;

    private bool HasExited => _task.Task.IsCompleted;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output);
            }
        }
    }

    public static string ProxyAssemblyPath
    {
        get
        {
            // The test assembly lives in tests/LlmConnectors.IntegrationTests/bin/<Configuration>/net10.0/.
            var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
            var path = Path.Combine(ClaudeCliTestEnvironment.RepositoryRoot, "src", "LlmConnectors.ClaudeProxy", "bin", configuration, "net10.0", "LlmConnectors.ClaudeProxy.dll");
            Assert.True(File.Exists(path), $"The proxy is not built at {path}. Build it with 'dotnet build src/LlmConnectors.ClaudeProxy -c {configuration}' (building the test project does it).");
            return path;
        }
    }

    /// <summary>Starts the proxy and waits until it listens.</summary>
    public static async Task<ProxyProcess> StartAsync(ScriptedAnthropicServer backend, IDictionary<string, string>? settings = null, IEnumerable<string>? extraArguments = null)
    {
        var assembly = ProxyAssemblyPath;
        var home = Directory.CreateTempSubdirectory("llmc-proxy-test-home-").FullName;
        var env = new Dictionary<string, string?>
        {
            ["ClaudeProxy__ApiKey"] = ApiKey,
            ["ClaudeProxy__ShutdownTimeout"] = "00:00:05",
            ["ClaudeProxy__Cli__ExecutablePath"] = ClaudeCliTestEnvironment.ClaudePath,
            ["ClaudeProxy__Cli__ConfigDirectory"] = Path.Combine(home, ".claude"),
            ["ClaudeProxy__Cli__RequestTimeout"] = "00:01:00",
            ["ClaudeProxy__Cli__EnvironmentVariables__HOME"] = home,
            ["ClaudeProxy__Cli__EnvironmentVariables__ANTHROPIC_API_KEY"] = ClaudeCliTestEnvironment.ApiKey,
            ["ClaudeProxy__Cli__EnvironmentVariables__ANTHROPIC_BASE_URL"] = backend.BaseUrl,
            ["Logging__LogLevel__Default"] = "Information",
        };
        foreach (var name in new[] { "ANTHROPIC_AUTH_TOKEN", "CLAUDE_CODE_OAUTH_TOKEN", "ANTHROPIC_API_KEY", "ASPNETCORE_URLS", "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT" })
        {
            env[name] = null;
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            env[key] = value;
        }

        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var proxy = new ProxyProcess();
        var lines = PipeTarget.ToDelegate(line =>
        {
            proxy.Append(line);
            if (ListeningPattern().Match(line) is { Success: true } match)
            {
                listening.TrySetResult(match.Groups[1].Value);
            }
        });
        proxy._task = CliWrap.Cli.Wrap("dotnet")
            .WithArguments([assembly, "--urls", "http://127.0.0.1:0", .. extraArguments ?? []])
            .WithWorkingDirectory(Path.GetDirectoryName(assembly)!)
            .WithEnvironmentVariables(env)
            .WithStandardOutputPipe(lines)
            .WithStandardErrorPipe(lines)
            .WithValidation(CommandResultValidation.None)
            .ExecuteAsync(proxy._kill.Token);
        var first = await Task.WhenAny(listening.Task, proxy._task.Task, Task.Delay(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken));
        if (first != listening.Task)
        {
            var output = proxy.Output;
            await proxy.KillAsync();
            Assert.Fail("The proxy did not start listening. Its output:\n" + output);
        }

        proxy.BaseUrl = await listening.Task;
        return proxy;
    }

    /// <summary>Starts the proxy with settings that must be refused, and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunExpectingFailureAsync(IDictionary<string, string> settings, params string[] arguments)
    {
        var environment = new Dictionary<string, string?>(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))) { ["ASPNETCORE_URLS"] = null };
        var result = await ChildProcess.RunAsync(
            "dotnet", [ProxyAssemblyPath, .. arguments], Path.GetDirectoryName(ProxyAssemblyPath)!, environment, TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        Assert.False(result.TimedOut, result.Describe("The proxy"));
        return (result.ExitCode, result.StandardOutput + result.StandardError);
    }

    /// <summary>Lists the Claude CLI processes (node running the CLI) descended from the proxy.</summary>
    public IReadOnlyList<int> ClaudeDescendants() => ProcessTree.Descendants(ProcessId).Where(ProcessTree.IsClaude).ToList();

    /// <summary>Waits until the number of CLI processes under the proxy satisfies a condition.</summary>
    public async Task<IReadOnlyList<int>> WaitForClaudeProcessesAsync(Func<int, bool> condition, string what)
    {
        IReadOnlyList<int> current = [];
        for (var attempt = 0; attempt < 200; attempt++)
        {
            current = ClaudeDescendants();
            if (condition(current.Count))
            {
                return current;
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        Assert.Fail($"Expected {what}; the proxy has {current.Count} Claude CLI processes: {string.Join(", ", current)}.");
        return current;
    }

    /// <summary>Sends SIGTERM and waits for the graceful shutdown.</summary>
    public async Task<int> StopAsync()
    {
        if (!HasExited)
        {
            await CliWrap.Cli.Wrap("kill").WithArguments(["-TERM", ProcessId.ToString(CultureInfo.InvariantCulture)]).ExecuteAsync(TestContext.Current.CancellationToken);
            try
            {
                await _task.Task.WaitAsync(TimeSpan.FromSeconds(30));
            }
            catch (TimeoutException)
            {
                await KillAsync();
                Assert.Fail("The proxy did not exit within 30 s of SIGTERM. Its output:\n" + Output);
            }
        }

        return (await _task).ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!HasExited)
            {
                await StopAsync();
            }
        }
        finally
        {
            await KillAsync();
            _kill.Dispose();
        }
    }

    /// <summary>Kills the whole process tree (CliWrap's forceful cancellation) unless it has exited, and waits for the exit.</summary>
    private async Task KillAsync()
    {
        if (HasExited)
        {
            return;
        }

        await _kill.CancelAsync();
        try
        {
            await _task;
        }
        catch (OperationCanceledException)
        {
            // Killed as intended.
        }
    }

    [GeneratedRegex(@"Claude proxy listening on (http://[^\s;,]+)")]
    private static partial Regex ListeningPattern();

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.Add(line);
            }
        }
    }
}
