using System.Net;
using System.Security.Cryptography;
using System.Text;
using LlmConnectors.ClaudeProxy.Configuration;
using LlmConnectors.ClaudeProxy.Telemetry;
using Microsoft.Extensions.Options;

namespace LlmConnectors.ClaudeProxy.Http;

/// <summary>
/// Requires <c>Authorization: Bearer &lt;key&gt;</c> (or <c>x-api-key: &lt;key&gt;</c>) on every <c>/v1</c> request when
/// <c>ClaudeProxy:ApiKey</c> is set. Keys are compared as SHA-256 digests with <see cref="CryptographicOperations.FixedTimeEquals"/>,
/// so the comparison time reveals neither the key nor its length.
/// </summary>
internal sealed class ApiKeyMiddleware(RequestDelegate next, IOptions<ClaudeProxyOptions> options, ILogger<ApiKeyMiddleware> logger)
{
    private readonly byte[]? _expectedDigest = options.Value.ApiKey is { } key ? SHA256.HashData(Encoding.UTF8.GetBytes(key)) : null;

    /// <summary>Checks the key, then calls the next middleware.</summary>
    /// <param name="context">The request.</param>
    /// <returns>A task that completes when the request is handled.</returns>
    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_expectedDigest is null || !context.Request.Path.StartsWithSegments("/v1", StringComparison.OrdinalIgnoreCase) || HttpMethods.IsOptions(context.Request.Method))
        {
            return next(context);
        }

        var presented = GetPresentedKey(context.Request);
        if (presented is not null && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), _expectedDigest))
        {
            return next(context);
        }

        ProxyLog.Unauthorized(logger, context.TraceIdentifier, context.Request.Path);
        var error = presented is null
            ? new ProxyError(HttpStatusCode.Unauthorized, "You didn't provide an API key. Send it as 'Authorization: Bearer <key>' (or 'x-api-key: <key>').", "invalid_request_error", Code: "missing_api_key")
            : new ProxyError(HttpStatusCode.Unauthorized, "Incorrect API key provided.", "invalid_request_error", Code: "invalid_api_key");
        return error.WriteResponseAsync(context);
    }

    private static string? GetPresentedKey(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return authorization["Bearer ".Length..].Trim();
        }

        var apiKey = request.Headers["x-api-key"].ToString();
        return apiKey.Length > 0 ? apiKey : null;
    }
}
