using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace LlmConnectors.ClaudeProxy.Http;

/// <summary>
/// Enforces the proxy's limits on the request line (414) and the headers (431) with OpenAI's JSON error body and
/// <c>Connection: close</c>. Kestrel answers the same limits itself, before any middleware runs and with an empty body that cannot
/// be changed (aspnet/KestrelHttpServer#2947), so its own limits are raised to <see cref="KestrelBackstopFactor"/> times these
/// (<see cref="ApplyKestrelBackstop"/>) and stay only as a backstop against requests far over them.
/// </summary>
/// <remarks>
/// The limits are Kestrel's defaults (8 KiB request line, 32 KiB of headers, 100 headers), counted as Kestrel counts them on
/// HTTP/1.1: the request line and each header line with its line end.
/// </remarks>
internal sealed class RequestHeaderLimitsMiddleware(RequestDelegate next, ILogger<RequestHeaderLimitsMiddleware> logger)
{
    /// <summary>The longest request line accepted (method, target, protocol, line end), in bytes; longer ones get 414.</summary>
    public const int MaxRequestLineBytes = 8 * 1024;

    /// <summary>The largest total size of the header lines accepted, in bytes; more get 431.</summary>
    public const int MaxHeadersTotalBytes = 32 * 1024;

    /// <summary>The largest number of header lines accepted; more get 431.</summary>
    public const int MaxHeaderCount = 100;

    /// <summary>How many times the proxy's limits Kestrel's own limits are; requests over those get Kestrel's empty answer.</summary>
    public const int KestrelBackstopFactor = 4;

    /// <summary>Sets Kestrel's request line and header limits to <see cref="KestrelBackstopFactor"/> times the proxy's.</summary>
    /// <param name="limits">Kestrel's limits.</param>
    public static void ApplyKestrelBackstop(KestrelServerLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        limits.MaxRequestLineSize = MaxRequestLineBytes * KestrelBackstopFactor;
        limits.MaxRequestHeadersTotalSize = MaxHeadersTotalBytes * KestrelBackstopFactor;
        limits.MaxRequestHeaderCount = MaxHeaderCount * KestrelBackstopFactor;
    }

    /// <summary>Measures the request line and headers, then calls the next middleware.</summary>
    /// <param name="context">The request.</param>
    /// <returns>A task that completes when the request is handled.</returns>
    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? string.Empty;
        var requestLineBytes = request.Method.Length + 1 + target.Length + 1 + request.Protocol.Length + 2;
        if (requestLineBytes > MaxRequestLineBytes)
        {
            return RefuseAsync(
                context,
                HttpStatusCode.RequestUriTooLong,
                $"The request line (method, URL, protocol) is {Format(requestLineBytes)} bytes; this proxy accepts at most {Format(MaxRequestLineBytes)}. Send a shorter URL: the proxy's endpoints take no query parameters.",
                "request_line_too_long");
        }

        var count = 0;
        var bytes = 0L;
        foreach (var (name, values) in request.Headers)
        {
            foreach (var value in values)
            {
                count++;
                bytes += name.Length + 2 + (value?.Length ?? 0) + 2;
            }
        }

        if (count > MaxHeaderCount)
        {
            return RefuseAsync(
                context,
                HttpStatusCode.RequestHeaderFieldsTooLarge,
                $"The request has {Format(count)} header lines; this proxy accepts at most {Format(MaxHeaderCount)}. Send fewer headers.",
                "too_many_headers");
        }

        if (bytes > MaxHeadersTotalBytes)
        {
            return RefuseAsync(
                context,
                HttpStatusCode.RequestHeaderFieldsTooLarge,
                $"The request headers are {Format(bytes)} bytes; this proxy accepts at most {Format(MaxHeadersTotalBytes)} in total. Send smaller headers.",
                "headers_too_large");
        }

        return next(context);
    }

    private static string Format(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private Task RefuseAsync(HttpContext context, HttpStatusCode status, string message, string code)
    {
        ProxyHttpLog.HeaderLimitExceeded(logger, context.TraceIdentifier, code, (int)status);
        return new ProxyError(status, message, "invalid_request_error", Code: code) { CloseConnection = true }.WriteResponseAsync(context);
    }
}
