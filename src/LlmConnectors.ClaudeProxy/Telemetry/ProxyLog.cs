namespace LlmConnectors.ClaudeProxy.Telemetry;

/// <summary>The proxy's structured log messages. Prompt content is logged only at Trace; keys and Authorization headers never.</summary>
internal static partial class ProxyLog
{
    [LoggerMessage(1, LogLevel.Information, "Chat request {RequestId} model={Model} stream={Stream} outcome={Outcome} status={Status} latency={LatencyMs}ms input_tokens={InputTokens} output_tokens={OutputTokens} cost_usd={CostUsd} user={User}")]
    public static partial void ChatCompleted(ILogger logger, string requestId, string model, bool stream, string outcome, int status, long latencyMs, long? inputTokens, long? outputTokens, decimal? costUsd, string? user);

    [LoggerMessage(2, LogLevel.Trace, "Chat request {RequestId} prompt: {Prompt}")]
    public static partial void Prompt(ILogger logger, string requestId, string prompt);

    [LoggerMessage(3, LogLevel.Warning, "Chat request {RequestId} ignored unsupported parameters {Parameters} (ClaudeProxy:UnsupportedParameters=Ignore)")]
    public static partial void IgnoredParameters(ILogger logger, string requestId, string parameters);

    [LoggerMessage(4, LogLevel.Warning, "Chat request {RequestId} rejected: {Status} {Code}: {Message}")]
    public static partial void Rejected(ILogger logger, string requestId, int status, string? code, string message);

    [LoggerMessage(5, LogLevel.Error, "Chat request {RequestId} failed in the chat client; answering {Status} {Code}")]
    public static partial void BackendFailed(ILogger logger, Exception exception, string requestId, int status, string? code);

    [LoggerMessage(6, LogLevel.Information, "Chat request {RequestId}: the client disconnected; the request was cancelled")]
    public static partial void ClientDisconnected(ILogger logger, string requestId);

    [LoggerMessage(7, LogLevel.Warning, "Request {RequestId} to {Path} rejected: missing or wrong API key")]
    public static partial void Unauthorized(ILogger logger, string requestId, string path);

    [LoggerMessage(8, LogLevel.Warning, "Chat request {RequestId} rejected: the queue is full ({MaxConcurrent} running, {QueueLimit} waiting)")]
    public static partial void QueueFull(ILogger logger, string requestId, int maxConcurrent, int queueLimit);

    [LoggerMessage(9, LogLevel.Error, "Request {RequestId} to {Path} failed unexpectedly; answering 502")]
    public static partial void Unexpected(ILogger logger, Exception exception, string requestId, string path);

    [LoggerMessage(10, LogLevel.Information, "Claude proxy listening on {Urls}; authentication {AuthState}; {ModelCount} models; unsupported parameters: {Unsupported}")]
    public static partial void Started(ILogger logger, string urls, string authState, int modelCount, string unsupported);
}
