using System.Diagnostics;
using System.Globalization;
using LlmConnectors.ClaudeCli;

namespace LlmConnectors.IntegrationTests.ClaudeProxy.Replicas;

/// <summary>
/// A real <c>redis-server</c> (Debian's) of the test's own: loopback, a free port, no persistence, no system service. It dies with the
/// test host (started through <c>setpriv --pdeathsig KILL</c>, as the CLI is) and is killed on dispose.
/// </summary>
public sealed class RedisServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;

    private RedisServerProcess(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    /// <summary>Gets the port it listens on, on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>Gets its StackExchange.Redis configuration string.</summary>
    public string ConnectionString => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{Port}");

    /// <summary>Gets its process id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>Starts it and waits until it accepts connections.</summary>
    public static async Task<RedisServerProcess> StartAsync(CancellationToken cancellationToken = default)
    {
        var executable = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists);
        Assert.True(executable is not null, "redis-server is not installed; install it with 'apt-get install -y redis-server' (.ci/run does).");
        var directory = Directory.CreateTempSubdirectory("llmc-redis-test-").FullName;
        var port = LlmConnectors.IntegrationTests.Samples.BackgroundProgram.FreePort();
        var start = new ProcessStartInfo(executable!)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", string.Empty, "--appendonly", "no", "--daemonize", "no", "--dir", directory, "--logfile", string.Empty })
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start };
        ClaudeCliSpawner.Start(process, start);
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new List<string>();
        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (output)
            {
                output.Add(line);
            }

            if (line.Contains("Ready to accept connections", StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        }

        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new RedisServerProcess(process, directory, port);
        var first = await Task.WhenAny(ready.Task, process.WaitForExitAsync(cancellationToken), Task.Delay(TimeSpan.FromSeconds(30), cancellationToken));
        if (first != ready.Task)
        {
            await server.DisposeAsync();
            lock (output)
            {
                Assert.Fail("redis-server did not start. Its output:\n" + string.Join('\n', output));
            }
        }

        return server;
    }

    /// <summary>Tells whether the process still runs.</summary>
    public bool IsRunning => !_process.HasExited;

    /// <summary>Kills it and removes its directory.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            await _process.WaitForExitAsync();
        }
        finally
        {
            _process.Dispose();
            Directory.Delete(_directory, recursive: true);
        }
    }
}
