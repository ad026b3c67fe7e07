namespace LlmConnectors;

/// <summary>
/// Classifies a failure reported by a leaf client of this pack, whatever its provider.
/// </summary>
/// <remarks>
/// Middlewares (failover, retry) decide on the kind, never on the concrete client type.
/// <see cref="LlmConnectorException.IsTransient"/> tells which kinds a retry or a failover may fix.
/// </remarks>
public enum LlmErrorKind
{
    /// <summary>The failure could not be classified.</summary>
    Unknown = 0,

    /// <summary>The request was rejected as malformed or unsupported (HTTP 400, 422).</summary>
    InvalidRequest,

    /// <summary>The credentials are missing, invalid or expired (HTTP 401), or the CLI is not logged in.</summary>
    Authentication,

    /// <summary>The credentials are valid but not allowed to do this (HTTP 403).</summary>
    PermissionDenied,

    /// <summary>The account has no credit or the billing is not set up (HTTP 402).</summary>
    PaymentRequired,

    /// <summary>The model or resource does not exist (HTTP 404).</summary>
    NotFound,

    /// <summary>The request is larger than the provider accepts (HTTP 413, or the context window).</summary>
    RequestTooLarge,

    /// <summary>Too many requests (HTTP 429); see <see cref="LlmConnectorException.RetryAfter"/>.</summary>
    RateLimited,

    /// <summary>The input or output was refused by moderation.</summary>
    ContentFiltered,

    /// <summary>The provider failed (HTTP 500).</summary>
    ServerError,

    /// <summary>The provider or an upstream it routes to is unavailable or overloaded (HTTP 502, 503, 529).</summary>
    Unavailable,

    /// <summary>The request or the provider did not answer in time (HTTP 408, 504, or a local timeout).</summary>
    Timeout,

    /// <summary>The connection failed before a response arrived.</summary>
    Network,

    /// <summary>The provider answered with something that does not follow its protocol.</summary>
    ProtocolError,

    /// <summary>A local process (the Claude CLI) crashed or exited with a non-zero code.</summary>
    ProcessFailed,

    /// <summary>A required local program (the Claude CLI) was not found.</summary>
    NotInstalled,
}
