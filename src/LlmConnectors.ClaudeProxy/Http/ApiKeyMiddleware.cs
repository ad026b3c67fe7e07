using System.Net;
using System.Security.Cryptography;
using System.Text;
using LlmConnectors.ClaudeProxy.Configuration;
using LlmConnectors.ClaudeProxy.Telemetry;
using Microsoft.Extensions.Options;

namespace LlmConnectors.ClaudeProxy.Http;

/// <summary>
/// Requires <c>Authorization: Bearer &lt;key&gt;</c> (or <c>x-api-key: &lt;key&gt;</c>) on every <c>/v1</c> request when
/// <c>ClaudeProxy:ApiKey</c> or <c>ClaudeProxy:ApiKeys</c> is set. Keys are compared as SHA-256 digests with
/// <see cref="CryptographicOperations.FixedTimeEquals"/>, every configured key each time, so the comparison time reveals neither a key,
/// its length, nor which key matched.
/// </summary>
internal sealed class ApiKeyMiddleware(RequestDelegate next, IOptions<ClaudeProxyOptions> options, ILogger<ApiKeyMiddleware> logger)
{
    private readonly byte[][]? _expectedDigests = ExpectedDigests(options.Value);

    /// <summary>Checks the key, then calls the next middleware.</summary>
    /// <param name="context">The request.</param>
    /// <returns>A task that completes when the request is handled.</returns>
    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_expectedDigests is null || !context.Request.Path.StartsWithSegments("/v1", StringComparison.OrdinalIgnoreCase) || HttpMethods.IsOptions(context.Request.Method))
        {
            return next(context);
        }

        var presented = GetPresentedKey(context.Request);
        if (presented is not null && Matches(SHA256.HashData(Encoding.UTF8.GetBytes(presented))))
        {
            return next(context);
        }

        ProxyLog.Unauthorized(logger, context.TraceIdentifier, context.Request.Path);
        var error = presented is null
            ? new ProxyError(HttpStatusCode.Unauthorized, "You didn't provide an API key. Send it as 'Authorization: Bearer <key>' (or 'x-api-key: <key>').", "invalid_request_error", Code: "missing_api_key")
            : new ProxyError(HttpStatusCode.Unauthorized, "Incorrect API key provided.", "invalid_request_error", Code: "invalid_api_key");
        return error.WriteResponseAsync(context);
    }

    /// <summary>Gets the key a request presents: the <c>Authorization: Bearer</c> token, else the <c>x-api-key</c> header.</summary>
    /// <param name="request">The request.</param>
    /// <returns>The key, or <see langword="null"/> when the request presents none.</returns>
    internal static string? GetPresentedKey(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return authorization["Bearer ".Length..].Trim();
        }

        var apiKey = request.Headers["x-api-key"].ToString();
        return apiKey.Length > 0 ? apiKey : null;
    }

    private static byte[][]? ExpectedDigests(ClaudeProxyOptions options)
    {
        var keys = options.ApiKeys.Prepend(options.ApiKey).OfType<string>().ToList();
        return keys.Count == 0 ? null : [.. keys.Select(key => SHA256.HashData(Encoding.UTF8.GetBytes(key)))];
    }

    private bool Matches(byte[] presentedDigest)
    {
        var matched = false;
        foreach (var expected in _expectedDigests!)
        {
            // No early exit: the time taken does not depend on which key matched.
            matched |= CryptographicOperations.FixedTimeEquals(presentedDigest, expected);
        }

        return matched;
    }
}
