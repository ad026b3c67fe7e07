using Microsoft.Extensions.Logging;

namespace LlmConnectors.ClaudeCli;

/// <summary>The log messages of the Claude CLI client's function tools. Arguments and results are never logged.</summary>
internal static partial class ClaudeCliToolLog
{
    [LoggerMessage(30, LogLevel.Debug, "Claude CLI process {ProcessId} is parked until the caller brings its tool results.")]
    public static partial void Parked(ILogger logger, int processId);

    [LoggerMessage(31, LogLevel.Debug, "Claude CLI process {ProcessId} was parked longer than ParkedProcessIdleTimeout and was killed; the next request of its conversation replays it.")]
    public static partial void ParkedExpired(ILogger logger, int processId);

    [LoggerMessage(32, LogLevel.Debug, "Claude CLI request continues in parked process {ProcessId} with {ResultCount} tool results.")]
    public static partial void Continued(ILogger logger, int processId, int resultCount);
}
