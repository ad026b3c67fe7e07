namespace LlmConnectors;

/// <summary>Why a <see cref="ConcurrencyLimitingChatClient"/> turned a request away, for a host that words the rejection itself.</summary>
/// <param name="LimitName">The limit that refused it: <c>MaxConcurrentRequests</c>, <c>RequestsPerMinute</c> or <c>TokensPerMinute</c>.</param>
/// <param name="RetryAfter">How long to wait before retrying a queue-full rejection; <see langword="null"/> when shutting down.</param>
/// <param name="ShuttingDown">Whether the request was refused because <see cref="ConcurrencyLimitingChatClient.RejectWaitingRequests"/> was called.</param>
internal readonly record struct ChatRequestRejection(string LimitName, TimeSpan? RetryAfter, bool ShuttingDown);
