using System.Diagnostics;
using System.IO.Pipelines;
using System.Text;
using System.Threading.Channels;
using BenchmarkDotNet.Attributes;
using CliWrap;

namespace LlmConnectors.Benchmarks.ClaudeCli;

/// <summary>
/// The warm path of <see cref="ClaudeCliChatClient"/> is a round trip over the pipes of a process that is already running: a
/// stream-json line written to its standard input, a line read back from its standard output. This measures that round trip, per
/// line, through <c>cat</c> (which echoes at once, so only the plumbing is measured): the way <c>ClaudeCliProcess</c> does it
/// (System.Diagnostics.Process, the redirected streams read and written directly) against CliWrap 3.10.5 (a
/// <see cref="PipeSource"/> fed from an in-memory pipe with auto-flush, a <see cref="PipeTarget"/> delegate per line).
/// </summary>
[MemoryDiagnoser]
public class ProcessPipeBenchmarks
{
    private const string Line = """{"type":"user","message":{"role":"user","content":[{"type":"text","text":"Say hi"}]}}""";

    private System.Diagnostics.Process _process = null!;
    private StreamWriter _processInput = null!;

    private Pipe _cliWrapInput = null!;
    private Stream _cliWrapWriter = null!;
    private Channel<string> _cliWrapLines = null!;
    private CancellationTokenSource _cliWrapStop = null!;
    private CommandTask<CommandResult> _cliWrap = null!;
    private byte[] _lineBytes = null!;

    [GlobalSetup]
    public void Setup()
    {
        var start = new ProcessStartInfo("cat") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        _process = System.Diagnostics.Process.Start(start)!;
        _processInput = _process.StandardInput;
        _processInput.AutoFlush = true;

        _lineBytes = Encoding.UTF8.GetBytes(Line + "\n");
        _cliWrapInput = new Pipe();
        _cliWrapWriter = _cliWrapInput.Writer.AsStream();
        _cliWrapLines = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        _cliWrapStop = new CancellationTokenSource();
        _cliWrap = Cli.Wrap("cat")
            .WithStandardInputPipe(PipeSource.FromStream(_cliWrapInput.Reader.AsStream(), autoFlush: true))
            .WithStandardOutputPipe(PipeTarget.ToDelegate(line => _cliWrapLines.Writer.TryWrite(line)))
            .WithValidation(CommandResultValidation.None)
            .ExecuteAsync(_cliWrapStop.Token);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _processInput.Close();
        _process.WaitForExit();
        _process.Dispose();
        _cliWrapInput.Writer.Complete();
        _cliWrapStop.Cancel();
        try
        {
            _cliWrap.Task.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    [Benchmark(Baseline = true, Description = "System.Diagnostics.Process (as ClaudeCliProcess): line in, line out")]
    public async Task<int> DiagnosticsProcess()
    {
        await _processInput.WriteLineAsync(Line);
        return (await _process.StandardOutput.ReadLineAsync())!.Length;
    }

    [Benchmark(Description = "CliWrap 3.10.5 (PipeSource from a pipe, PipeTarget delegate): line in, line out")]
    public async Task<int> CliWrapPipes()
    {
        await _cliWrapWriter.WriteAsync(_lineBytes);
        await _cliWrapWriter.FlushAsync();
        return (await _cliWrapLines.Reader.ReadAsync()).Length;
    }
}
