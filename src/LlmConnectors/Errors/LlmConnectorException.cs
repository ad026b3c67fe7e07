using System.Net;

namespace LlmConnectors;

/// <summary>
/// The exception every leaf client of this pack throws when its provider fails.
/// </summary>
/// <remarks>
/// One hierarchy for OpenRouter, the Claude CLI and the Claude proxy, so that callers and middlewares
/// handle failures once. The message never contains an API key or an Authorization header.
/// </remarks>
public class LlmConnectorException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="LlmConnectorException"/> class.</summary>
    public LlmConnectorException()
        : this("The language model provider failed.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="LlmConnectorException"/> class.</summary>
    /// <param name="message">What failed and, where known, what to do about it.</param>
    public LlmConnectorException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="LlmConnectorException"/> class.</summary>
    /// <param name="message">What failed and, where known, what to do about it.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public LlmConnectorException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="LlmConnectorException"/> class.</summary>
    /// <param name="message">What failed and, where known, what to do about it.</param>
    /// <param name="kind">The classification of the failure.</param>
    /// <param name="provider">The provider name, as in <c>ChatClientMetadata.ProviderName</c>.</param>
    /// <param name="statusCode">The HTTP status, or the status the provider reported, if any.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public LlmConnectorException(string message, LlmErrorKind kind, string? provider, HttpStatusCode? statusCode = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
        Provider = provider;
        StatusCode = statusCode;
    }

    /// <summary>Gets the classification of the failure.</summary>
    public LlmErrorKind Kind { get; init; }

    /// <summary>Gets the provider that failed (<c>openrouter</c>, <c>claude-code</c>, <c>claude-proxy</c>, ...).</summary>
    public string? Provider { get; init; }

    /// <summary>Gets the HTTP status code of the failed response, or the status the provider reported.</summary>
    public HttpStatusCode? StatusCode { get; init; }

    /// <summary>Gets the provider's own error code (for example OpenRouter's numeric code or the CLI's <c>rate_limit</c>).</summary>
    public string? ErrorCode { get; init; }

    /// <summary>Gets the provider's own error type (for example <c>invalid_request_error</c>).</summary>
    public string? ErrorType { get; init; }

    /// <summary>Gets how long the provider asked the caller to wait before retrying, when it said so.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Gets the model the request was for, when known.</summary>
    public string? ModelId { get; init; }

    /// <summary>Gets extra details the provider returned: moderation reasons, the upstream provider's name, its raw error.</summary>
    public IReadOnlyDictionary<string, string>? ProviderMetadata { get; init; }

    /// <summary>
    /// Gets a value indicating whether the failure may go away on its own, so that a retry or a failover to another
    /// provider is worth trying.
    /// </summary>
    public virtual bool IsTransient => IsTransientKind(Kind);

    /// <summary>Tells whether failures of the given kind may go away on their own.</summary>
    /// <param name="kind">The kind of failure.</param>
    /// <returns><see langword="true"/> for rate limits, server errors, unavailability, timeouts and network faults.</returns>
    public static bool IsTransientKind(LlmErrorKind kind) => kind is
        LlmErrorKind.RateLimited or
        LlmErrorKind.ServerError or
        LlmErrorKind.Unavailable or
        LlmErrorKind.Timeout or
        LlmErrorKind.Network;

    /// <summary>Maps an HTTP status code to the kind of failure it reports.</summary>
    /// <param name="statusCode">The status code.</param>
    /// <returns>The kind of failure.</returns>
    public static LlmErrorKind KindFromStatus(int statusCode) => statusCode switch
    {
        400 or 422 => LlmErrorKind.InvalidRequest,
        401 => LlmErrorKind.Authentication,
        402 => LlmErrorKind.PaymentRequired,
        403 => LlmErrorKind.PermissionDenied,
        404 => LlmErrorKind.NotFound,
        408 or 504 => LlmErrorKind.Timeout,
        413 => LlmErrorKind.RequestTooLarge,
        429 => LlmErrorKind.RateLimited,
        500 => LlmErrorKind.ServerError,
        502 or 503 or 529 => LlmErrorKind.Unavailable,
        >= 500 and < 600 => LlmErrorKind.ServerError,
        >= 400 and < 500 => LlmErrorKind.InvalidRequest,
        _ => LlmErrorKind.Unknown,
    };
}
