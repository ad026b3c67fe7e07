using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace LlmConnectors.ClaudeCli;

/// <summary>One started <c>claude</c> process: its pipes, the tail of its standard error, its private temporary directory.</summary>
internal sealed partial class ClaudeCliProcess : IAsyncDisposable
{
    private const int StderrTailLines = 20;
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);
    private readonly Process _process;
    private readonly ClaudeCliHome _home;
    private readonly Queue<string> _stderrTail = new();
    private readonly Stream _stdin;
    private int _disposed;

    private ClaudeCliProcess(Process process, ClaudeCliHome home, string? startModel)
    {
        _process = process;
        _home = home;
        StartModel = startModel;
        Id = process.Id;
        _stdin = process.StandardInput.BaseStream;
    }

    /// <summary>Gets the process id.</summary>
    public int Id { get; }

    /// <summary>Gets the model passed as <c>--model</c> at start-up, if any.</summary>
    public string? StartModel { get; }

    /// <summary>Gets a value indicating whether the process has exited.</summary>
    public bool HasExited
    {
        get
        {
            try
            {
                return _process.HasExited;
            }
            catch (InvalidOperationException)
            {
                return true;
            }
        }
    }

    /// <summary>Gets the exit code, when the process has exited.</summary>
    public int? ExitCode => HasExited ? _process.ExitCode : null;

    /// <summary>Gets the last lines of standard error, with anything that looks like a key removed.</summary>
    public string StandardErrorTail
    {
        get
        {
            lock (_stderrTail)
            {
                return string.Join('\n', _stderrTail);
            }
        }
    }

    /// <summary>Starts the CLI with the start-up flags of <paramref name="options"/>; the conversation goes on standard input later.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="startModel">
    /// The model to start with (the warm pool passes the model of the latest request); <see langword="null"/> for the CLI's default.
    /// A value that cannot travel safely as one argument is not used: the request then switches the model on standard input.
    /// </param>
    /// <param name="tools">The request's function tools, served in-process over the control channel; <see langword="null"/> for none.</param>
    /// <returns>The started process.</returns>
    /// <exception cref="System.ComponentModel.Win32Exception">The executable was not found or cannot run.</exception>
    public static ClaudeCliProcess Start(ClaudeCliOptions options, string? startModel, ClaudeCliToolBridge? tools = null)
    {
        if (!IsSafeModelArgument(startModel))
        {
            startModel = null;
        }

        var home = ClaudeCliHome.Create(options);
        var startInfo = new ProcessStartInfo
        {
            FileName = options.ExecutablePath,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Utf8,
            StandardErrorEncoding = Utf8,
            StandardInputEncoding = Utf8,
            WorkingDirectory = home.WorkingDirectory,
            CreateNoWindow = true,
        };
        foreach (var argument in BuildArguments(options, startModel, tools))
        {
            startInfo.ArgumentList.Add(argument);
        }

        SetEnvironment(startInfo, options, home);
        if (tools is not null)
        {
            // A process parked on a tools/call waits for the caller, bounded by ParkedProcessIdleTimeout, not by the CLI's MCP timeout.
            startInfo.Environment["MCP_TOOL_TIMEOUT"] = "86400000";
        }

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        try
        {
            ClaudeCliSpawner.Start(process, startInfo);
        }
        catch
        {
            process.Dispose();
            home.Delete();
            throw;
        }

        var cli = new ClaudeCliProcess(process, home, startModel);
        process.ErrorDataReceived += (_, e) => cli.OnStandardError(e.Data);
        process.BeginErrorReadLine();
        return cli;
    }

    /// <summary>
    /// Sets the CLI's environment: this process's own, then <see cref="ClaudeCliOptions.EnvironmentVariables"/>, then the private
    /// configuration directory (which nothing overrides). Retries are left to the pack (see <see cref="ClaudeCliSession"/>), and
    /// non-essential traffic (telemetry, update checks) is off, unless the host's variables say otherwise.
    /// </summary>
    /// <param name="startInfo">The start information to fill.</param>
    /// <param name="options">The settings.</param>
    /// <param name="home">The private directories of the process.</param>
    public static void SetEnvironment(ProcessStartInfo startInfo, ClaudeCliOptions options, ClaudeCliHome home)
    {
        var environment = startInfo.Environment;
        environment["CLAUDE_CODE_MAX_RETRIES"] = "1";
        environment["CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC"] = "1";
        foreach (var (name, value) in options.EnvironmentVariables)
        {
            if (value is null)
            {
                _ = environment.Remove(name);
            }
            else
            {
                environment[name] = value;
            }
        }

        environment["CLAUDE_CONFIG_DIR"] = home.ConfigDirectory;
    }

    /// <summary>Tells whether the host let the CLI retry API errors itself (it set <c>CLAUDE_CODE_MAX_RETRIES</c>).</summary>
    /// <param name="options">The settings.</param>
    /// <returns><see langword="true"/> when the CLI retries; otherwise the pack does.</returns>
    public static bool CliRetries(ClaudeCliOptions options) => options.EnvironmentVariables.ContainsKey("CLAUDE_CODE_MAX_RETRIES");

    /// <summary>Builds the start-up flags: everything that is the same for every request, and the start model.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="startModel">The model passed as <c>--model</c>, if any and if safe as one argument.</param>
    /// <param name="tools">The request's function tools, if any: the in-process MCP server and exactly its tools are allowed.</param>
    /// <returns>The argument list (no shell quoting: each item is one argument).</returns>
    public static IReadOnlyList<string> BuildArguments(ClaudeCliOptions options, string? startModel, ClaudeCliToolBridge? tools = null)
    {
        var maxTurns = tools is null ? options.MaxTurns : Math.Max(options.MaxTurns, ClaudeCliToolBridge.MaxTurns);
        var arguments = new List<string>
        {
            "-p",
            "--input-format", "stream-json",
            "--output-format", "stream-json",
            "--verbose",
            "--include-partial-messages",
            "--no-session-persistence",
            "--max-turns", maxTurns.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--tools", string.Join(',', options.AllowedTools),
        };
        arguments.AddRange(ClaudeCliChannel.StartFlags);
        IList<string> allowed = tools is null ? options.AllowedTools : [.. options.AllowedTools, .. tools.AllowedToolNames];
        if (allowed.Count > 0)
        {
            arguments.Add("--allowedTools");
            arguments.Add(string.Join(',', allowed));
        }

        if (tools is not null)
        {
            arguments.AddRange(ClaudeCliToolBridge.StartArguments);
        }

        if (!HasSystemPromptArgument(options.AdditionalArguments))
        {
            // The empty system prompt of the Agent SDK (not Claude Code's own agent prompt) for requests without system
            // messages, so that they need no 'initialize' request; a request with system messages still sends its own.
            arguments.Add("--system-prompt");
            arguments.Add(string.Empty);
        }

        if (IsSafeModelArgument(startModel))
        {
            arguments.Add("--model");
            arguments.Add(startModel);
        }

        if (!string.IsNullOrEmpty(options.PermissionMode))
        {
            arguments.Add("--permission-mode");
            arguments.Add(options.PermissionMode);
        }

        arguments.AddRange(options.AdditionalArguments);
        return arguments;
    }

    /// <summary>Tells whether a model id can go on the command line: set, not taken for a flag, and made of model-name characters.</summary>
    /// <param name="model">The model id.</param>
    /// <returns><see langword="true"/> when it can.</returns>
    public static bool IsSafeModelArgument([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? model) =>
        !string.IsNullOrEmpty(model) && model.Length <= 200 && model[0] != '-' && SafeModelPattern().IsMatch(model);

    /// <summary>Tells whether the host's extra arguments set the system prompt themselves.</summary>
    /// <param name="arguments">The extra arguments.</param>
    /// <returns><see langword="true"/> when they do.</returns>
    public static bool HasSystemPromptArgument(IEnumerable<string> arguments) =>
        arguments.Any(a => a.StartsWith("--system-prompt", StringComparison.Ordinal));

    /// <summary>Writes one JSON line to standard input.</summary>
    /// <param name="utf8Json">The JSON, without the newline.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the line is flushed.</returns>
    public async Task WriteLineAsync(ReadOnlyMemory<byte> utf8Json, CancellationToken cancellationToken)
    {
        await _stdin.WriteAsync(utf8Json, cancellationToken).ConfigureAwait(false);
        await _stdin.WriteAsync("\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
        await _stdin.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Waits until the CLI has finished its start-up, by sending a harmless <c>get_settings</c> control request and reading its
    /// answer (the CLI prints nothing before its first input). A later <c>initialize</c> request still applies.
    /// </summary>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns><see langword="true"/> when the CLI answered; <see langword="false"/> when its output ended first.</returns>
    public async Task<bool> WaitReadyAsync(CancellationToken cancellationToken)
    {
        await WriteLineAsync("""{"type":"control_request","request_id":"ready","request":{"subtype":"get_settings"}}"""u8.ToArray(), cancellationToken).ConfigureAwait(false);
        while (await ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (line.Contains("\"control_response\"", StringComparison.Ordinal) && line.Contains("\"ready\"", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Closes standard input: the CLI finishes the queued turn and exits.</summary>
    public void CloseInput()
    {
        try
        {
            _stdin.Dispose();
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Reads the next line of standard output.</summary>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The line, or <see langword="null"/> at the end of the output.</returns>
    public ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken) => _process.StandardOutput.ReadLineAsync(cancellationToken);

    /// <summary>Waits for the process to exit, at most <paramref name="timeout"/>.</summary>
    /// <param name="timeout">How long to wait.</param>
    /// <returns><see langword="true"/> when it exited.</returns>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Kills the process and all its children, if still running.</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
        }
        catch (System.ComponentModel.Win32Exception)
        {
        }
    }

    /// <summary>Kills the process tree, waits for it and removes the private temporary directory.</summary>
    /// <returns>A task that completes when done.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Kill();
        _ = await WaitForExitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        _process.Dispose();
        _home.Delete();
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._:@/\[\]-]*\z")]
    private static partial Regex SafeModelPattern();

    [GeneratedRegex(@"(sk-[A-Za-z0-9_\-]{6,}|(?i:bearer)\s+[A-Za-z0-9._\-]{6,})")]
    private static partial Regex SecretPattern();

    private void OnStandardError(string? line)
    {
        if (line is null)
        {
            return;
        }

        var redacted = SecretPattern().Replace(line.Length > 2000 ? line[..2000] : line, "[redacted]");
        lock (_stderrTail)
        {
            _stderrTail.Enqueue(redacted);
            while (_stderrTail.Count > StderrTailLines)
            {
                _ = _stderrTail.Dequeue();
            }
        }
    }
}
