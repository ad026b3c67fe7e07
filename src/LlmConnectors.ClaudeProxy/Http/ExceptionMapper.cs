using System.Net;

namespace LlmConnectors.ClaudeProxy.Http;

/// <summary>
/// Turns a failure of the chat client into the error the proxy answers with. Messages are fixed per kind of failure: the CLI's
/// own messages, paths and standard error stay in the proxy's log (found by the request id), never in the response.
/// </summary>
internal static class ExceptionMapper
{
    /// <summary>Maps a chat client failure.</summary>
    /// <param name="exception">The failure.</param>
    /// <param name="requestId">The request id, quoted so that the operator can find the logged details.</param>
    /// <param name="queueFullRetryAfter">The <c>Retry-After</c> to send with a 429 that did not say how long to wait.</param>
    /// <returns>The error.</returns>
    public static ProxyError Map(Exception exception, string requestId, TimeSpan queueFullRetryAfter)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var see = $"(request id {requestId}; the proxy's log has the details)";
        if (exception is not LlmConnectorException e)
        {
            return exception is TimeoutException
                ? new ProxyError(HttpStatusCode.GatewayTimeout, $"The model did not answer in time {see}.", "api_error", Code: "timeout")
                : new ProxyError(HttpStatusCode.BadGateway, $"The model backend failed unexpectedly {see}.", "api_error", Code: "upstream_error");
        }

        return e.Kind switch
        {
            LlmErrorKind.RateLimited => new ProxyError(HttpStatusCode.TooManyRequests, $"The model backend is busy or rate-limited; retry after the Retry-After delay {see}.", "rate_limit_error", Code: "rate_limit_exceeded")
            {
                RetryAfter = e.RetryAfter ?? queueFullRetryAfter,
            },
            LlmErrorKind.Timeout => new ProxyError(HttpStatusCode.GatewayTimeout, $"The model did not answer in time {see}.", "api_error", Code: "timeout"),
            LlmErrorKind.InvalidRequest => ProxyError.BadRequest($"The model backend rejected the request as invalid {see}.", code: e.ErrorCode is { Length: > 0 and < 64 } code && IsToken(code) ? code : "invalid_request"),
            LlmErrorKind.RequestTooLarge => ProxyError.BadRequest($"The conversation is longer than the model's context window; send fewer or shorter messages {see}.", "messages", "context_length_exceeded"),
            LlmErrorKind.ContentFiltered => ProxyError.BadRequest($"The request or the answer was refused by the model's content policy {see}.", code: "content_filter"),
            LlmErrorKind.NotFound => new ProxyError(HttpStatusCode.NotFound, $"The model backend does not know the requested model {see}.", "invalid_request_error", "model", "model_not_found"),
            LlmErrorKind.Authentication or LlmErrorKind.PermissionDenied or LlmErrorKind.PaymentRequired =>
                new ProxyError(HttpStatusCode.BadGateway, $"The proxy's Claude credentials were rejected upstream; the operator must log the CLI in again (claude /login) or fix ANTHROPIC_API_KEY {see}.", "api_error", Code: "upstream_authentication_failed"),
            LlmErrorKind.NotInstalled => new ProxyError(HttpStatusCode.BadGateway, $"The Claude CLI is not installed or not found on the proxy host {see}.", "api_error", Code: "upstream_unavailable"),
            LlmErrorKind.Unavailable => new ProxyError(HttpStatusCode.BadGateway, $"The model backend is unavailable or overloaded; retry later {see}.", "api_error", Code: "upstream_unavailable") { RetryAfter = e.RetryAfter },
            _ => new ProxyError(HttpStatusCode.BadGateway, $"The model backend failed {see}.", "api_error", Code: "upstream_error"),
        };
    }

    /// <summary>Tells whether a code is a safe identifier (letters, digits, underscores) to pass on.</summary>
    private static bool IsToken(string code) => code.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
