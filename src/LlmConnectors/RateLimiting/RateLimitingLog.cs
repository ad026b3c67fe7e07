using Microsoft.Extensions.Logging;

namespace LlmConnectors;

/// <summary>Log messages of <see cref="ConcurrencyLimitingChatClient"/>.</summary>
internal static partial class RateLimitingLog
{
    [LoggerMessage(1, LogLevel.Debug, "{Provider}: request waited {Wait} for its {Limit} permit.")]
    public static partial void Waited(ILogger logger, string provider, TimeSpan wait, string limit);

    [LoggerMessage(2, LogLevel.Warning, "{Provider}: request rejected, the {Limit} queue is full; retry in about {RetryAfter}.")]
    public static partial void Rejected(ILogger logger, string provider, string limit, TimeSpan retryAfter);
}
