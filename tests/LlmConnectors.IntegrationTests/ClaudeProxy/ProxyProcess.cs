using System.Diagnostics;
using System.Text.RegularExpressions;
using LlmConnectors.IntegrationTests.ClaudeCli;
using LlmConnectors.TestServers.Anthropic;
using LlmConnectors.TestServers;

namespace LlmConnectors.IntegrationTests.ClaudeProxy;

/// <summary>
/// The real proxy as its own process (<c>dotnet LlmConnectors.ClaudeProxy.dll --urls http://127.0.0.1:0</c>), driving the real pinned
/// Claude CLI against a scripted Anthropic backend. Disposing it sends SIGTERM (graceful shutdown) and checks that it exits.
/// </summary>
public sealed partial class ProxyProcess : IAsyncDisposable
{
    public const string ApiKey = "proxy-e2e-key-0123456789abcdef";

    private readonly Process _process;
    private readonly List<string> _output = [];

    private ProxyProcess(Process process)
    {
        _process = process;
    }

    /// <summary>Gets the proxy's address, for example <c>http://127.0.0.1:41234</c>.</summary>
    public string BaseUrl { get; private set; } = string.Empty;

    public int ProcessId => _process.Id;

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
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(assembly);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");
        foreach (var argument in extraArguments ?? [])
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in new[] { "ANTHROPIC_AUTH_TOKEN", "CLAUDE_CODE_OAUTH_TOKEN", "ANTHROPIC_API_KEY", "ASPNETCORE_URLS", "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT" })
        {
            start.Environment.Remove(name);
        }

        var env = new Dictionary<string, string>
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
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            env[key] = value;
        }

        foreach (var (key, value) in env)
        {
            start.Environment[key] = value;
        }

        // Through setpriv --pdeathsig, as the proxy starts the CLI: the proxy dies with the test host even when that is killed.
        var process = new Process { StartInfo = start };
        global::LlmConnectors.ClaudeCli.ClaudeCliSpawner.Start(process, start);
        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var proxy = new ProxyProcess(process);
        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }

            proxy.Append(line);
            if (ListeningPattern().Match(line) is { Success: true } match)
            {
                listening.TrySetResult(match.Groups[1].Value);
            }
        }

        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var exited = process.WaitForExitAsync(TestContext.Current.CancellationToken);
        var first = await Task.WhenAny(listening.Task, exited, Task.Delay(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken));
        if (first != listening.Task)
        {
            var output = proxy.Output;
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            Assert.Fail("The proxy did not start listening. Its output:\n" + output);
        }

        proxy.BaseUrl = await listening.Task;
        return proxy;
    }

    /// <summary>Starts the proxy with settings that must be refused, and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunExpectingFailureAsync(IDictionary<string, string> settings, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(ProxyAssemblyPath)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(ProxyAssemblyPath);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Remove("ASPNETCORE_URLS");
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>Lists the Claude CLI processes (node running the CLI) descended from the proxy.</summary>
    public IReadOnlyList<int> ClaudeDescendants() => ProcessTree.Descendants(_process.Id).Where(ProcessTree.IsClaude).ToList();

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
        if (_process.HasExited)
        {
            return _process.ExitCode;
        }

        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(TestContext.Current.CancellationToken);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            Assert.Fail("The proxy did not exit within 30 s of SIGTERM. Its output:\n" + Output);
        }

        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                await StopAsync();
            }
        }
        finally
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            _process.Dispose();
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
