using Microsoft.Extensions.Logging;

namespace LlmConnectors.ClaudeCli;

/// <summary>The log messages of the Claude CLI client. Message contents are never logged above Trace.</summary>
internal static partial class ClaudeCliLog
{
    [LoggerMessage(1, LogLevel.Debug, "Claude CLI process {ProcessId} started for the warm pool.")]
    public static partial void PoolProcessStarted(ILogger logger, int processId);

    [LoggerMessage(2, LogLevel.Warning, "Starting a Claude CLI process for the warm pool failed; requests start their own process.")]
    public static partial void PoolStartFailed(ILogger logger, Exception exception);

    [LoggerMessage(3, LogLevel.Debug, "Claude CLI request runs in process {ProcessId} (warm: {Warm}, model: {ModelId}).")]
    public static partial void RequestStarted(ILogger logger, int processId, bool warm, string? modelId);

    [LoggerMessage(4, LogLevel.Debug, "Claude CLI request in process {ProcessId} finished in {ElapsedMs} ms.")]
    public static partial void RequestFinished(ILogger logger, int processId, long elapsedMs);

    [LoggerMessage(5, LogLevel.Warning, "Claude CLI request in process {ProcessId} failed: {Kind} {StatusCode}.")]
    public static partial void RequestFailed(ILogger logger, int processId, LlmErrorKind kind, int? statusCode);

    [LoggerMessage(6, LogLevel.Trace, "Claude CLI stdout of process {ProcessId}: {Line}")]
    public static partial void OutputLine(ILogger logger, int processId, string line);

    [LoggerMessage(7, LogLevel.Warning, "setpriv (util-linux) was not found on PATH: Claude CLI processes cannot be tied to this process and would outlive it if it were killed with SIGKILL. Install util-linux (apt-get install util-linux) to fix it.")]
    public static partial void SetprivMissing(ILogger logger);

    [LoggerMessage(8, LogLevel.Warning, "The upstream stream of Claude CLI process {ProcessId} broke after {StreamedChars} characters had been streamed, and the CLI fetched the answer again; the request fails instead of returning a truncated answer.")]
    public static partial void StreamRestarted(ILogger logger, int processId, int streamedChars);

    [LoggerMessage(9, LogLevel.Debug, "Claude CLI process {ProcessId} is parked with its conversation until the next turn.")]
    public static partial void TurnParked(ILogger logger, int processId);

    [LoggerMessage(10, LogLevel.Debug, "Claude CLI request continues the conversation held by parked process {ProcessId}: only the new user message is sent.")]
    public static partial void TurnContinued(ILogger logger, int processId);
}
