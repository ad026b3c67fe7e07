using System.Net;
using System.Net.Sockets;
using System.Text;
using CliWrap;

namespace LlmConnectors.IntegrationTests.Samples;

/// <summary>A program that runs until it is disposed (a server): started with its output captured (CliWrap), killed with its whole tree.</summary>
internal sealed class BackgroundProgram : IAsyncDisposable
{
    private readonly CommandTask<CommandResult> _task;
    private readonly CancellationTokenSource _stop;
    private readonly StringBuilder _output;

    private BackgroundProgram(CommandTask<CommandResult> task, CancellationTokenSource stop, StringBuilder output)
    {
        _task = task;
        _stop = stop;
        _output = output;
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => _task.Task.IsCompleted;

    public int Id => _task.ProcessId;

    public static BackgroundProgram Start(string fileName, IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string?> environment)
    {
        var output = new StringBuilder();
        var lines = PipeTarget.ToDelegate(line =>
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        });
        var stop = new CancellationTokenSource();
        var task = CliWrap.Cli.Wrap(fileName)
            .WithArguments(arguments)
            .WithWorkingDirectory(workingDirectory)
            .WithEnvironmentVariables(variables =>
            {
                foreach (var (key, value) in environment)
                {
                    variables.Set(key, value);
                }
            })
            .WithStandardOutputPipe(lines)
            .WithStandardErrorPipe(lines)
            .WithValidation(CommandResultValidation.None)
            .ExecuteAsync(stop.Token);
        return new BackgroundProgram(task, stop, output);
    }

    /// <summary>Gets a TCP port that is free right now on loopback.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Polls a URL until it answers 2xx; fails with the program's output when it exits or the time runs out.</summary>
    public async Task WaitUntilHealthyAsync(Uri url, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (HasExited)
            {
                var exit = _task.Task.IsCompletedSuccessfully ? _task.Task.Result.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture) : "a failure";
                throw new InvalidOperationException($"The program exited with {exit} before {url} answered:\n{Output}");
            }

            try
            {
                using var response = await http.GetAsync(url, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(200, cancellationToken);
        }

        throw new TimeoutException($"{url} did not answer within {timeout}:\n{Output}");
    }

    public async ValueTask DisposeAsync()
    {
        // CliWrap's forceful cancellation kills the whole process tree and waits for the exit.
        await _stop.CancelAsync();
        try
        {
            await _task;
        }
        catch (OperationCanceledException)
        {
            // Stopped as intended.
        }

        _stop.Dispose();
    }
}
