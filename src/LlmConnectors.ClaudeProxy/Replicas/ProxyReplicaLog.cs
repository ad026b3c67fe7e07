namespace LlmConnectors.ClaudeProxy.Replicas;

/// <summary>Log messages of the state replicas share (response cache, rate limit).</summary>
internal static partial class ProxyReplicaLog
{
    [LoggerMessage(40, LogLevel.Warning, "The response cache could not {Operation} Redis ({Reason}); the request is served without the cache")]
    public static partial void CacheUnavailable(ILogger logger, string operation, string reason);

    [LoggerMessage(41, LogLevel.Warning, "Chat request {RequestId} rejected: its caller reached the shared rate limit ({Permits} per {Window}); retry after {RetryAfterSeconds} s")]
    public static partial void RateLimited(ILogger logger, string requestId, int permits, TimeSpan window, long retryAfterSeconds);

    [LoggerMessage(42, LogLevel.Warning, "Request {RequestId} to {Path} failed: Redis (ClaudeProxy:Redis) cannot be reached ({Reason}); answering 503")]
    public static partial void RedisUnavailable(ILogger logger, string requestId, string path, string reason);
}
