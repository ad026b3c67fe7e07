namespace LlmConnectors.ClaudeProxy.Http;

/// <summary>
/// The log messages of the proxy's HTTP edge (host and origin checks, expected backend failures, shutdown, start-up). Client values
/// in them are passed through <see cref="ClientText.Quote"/> first; keys and <c>Authorization</c> headers are never logged.
/// </summary>
internal static partial class ProxyHttpLog
{
    [LoggerMessage(20, LogLevel.Warning, "Request {RequestId} rejected: the Host header {Host} is not in ClaudeProxy:AllowedHosts")]
    public static partial void HostRejected(ILogger logger, string requestId, string host);

    [LoggerMessage(21, LogLevel.Warning, "Request {RequestId} rejected: a web page at {Origin} is not in ClaudeProxy:AllowedOrigins")]
    public static partial void OriginRejected(ILogger logger, string requestId, string origin);

    [LoggerMessage(22, LogLevel.Warning, "Chat request {RequestId} failed: {Reason}; answering {Status} {Code}")]
    public static partial void BackendFailedExpected(ILogger logger, string requestId, string reason, int status, string? code);

    [LoggerMessage(23, LogLevel.Information, "Chat request {RequestId} was waiting for a slot when the proxy began shutting down; answering 503")]
    public static partial void ShuttingDown(ILogger logger, string requestId);

    [LoggerMessage(24, LogLevel.Warning, "The Claude CLI cannot be started, so the warm pool stays empty and chat requests get 502 until it is fixed: {Problem}")]
    public static partial void CliMissing(ILogger logger, string problem);

    [LoggerMessage(25, LogLevel.Warning, "Request {RequestId} rejected: {Code} (its request line or headers pass the proxy's limits); answering {Status}")]
    public static partial void HeaderLimitExceeded(ILogger logger, string requestId, string code, int status);
}
