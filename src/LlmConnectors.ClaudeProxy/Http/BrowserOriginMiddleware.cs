using System.Net;
using LlmConnectors.ClaudeProxy.Configuration;
using Microsoft.Extensions.Options;

namespace LlmConnectors.ClaudeProxy.Http;

/// <summary>
/// Refuses requests made by web pages (403 <c>origin_not_allowed</c>) unless their origin is listed in <c>ClaudeProxy:AllowedOrigins</c>.
/// A browser names the page's origin in <c>Origin</c> (every cross-origin request and every POST) and says where a request comes from in
/// <c>Sec-Fetch-Site</c>; a request with neither, or with <c>Sec-Fetch-Site: none</c> (an address typed by the user), is not from a page.
/// </summary>
/// <remarks>
/// ASP.NET Core's CORS middleware (which answers allowed origins' preflights and adds the CORS headers, right after this one) only
/// withholds headers from other origins: the request itself still runs, and a "simple" cross-origin POST needs no preflight. This
/// middleware stops such requests before they reach the model, with OpenAI's JSON error body.
/// </remarks>
internal sealed class BrowserOriginMiddleware(RequestDelegate next, IOptions<ClaudeProxyOptions> options, ILogger<BrowserOriginMiddleware> logger)
{
    private readonly bool _anyOrigin = options.Value.AllowedOrigins.Contains("*");
    private readonly HashSet<string> _origins = new(options.Value.AllowedOrigins, StringComparer.OrdinalIgnoreCase);

    /// <summary>Checks where the request comes from, then calls the next middleware.</summary>
    /// <param name="context">The request.</param>
    /// <returns>A task that completes when the request is handled.</returns>
    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var headers = context.Request.Headers;
        var origin = headers.Origin.ToString();
        var site = headers["Sec-Fetch-Site"].ToString();
        if (origin.Length == 0)
        {
            if (!string.Equals(site, "cross-site", StringComparison.OrdinalIgnoreCase) && !string.Equals(site, "same-site", StringComparison.OrdinalIgnoreCase))
            {
                return next(context);
            }
        }
        else if (_anyOrigin || _origins.Contains(origin))
        {
            return next(context);
        }

        var shown = origin.Length > 0 ? ClientText.Quote(origin)! : $"(Sec-Fetch-Site: {ClientText.Quote(site)})";
        ProxyHttpLog.OriginRejected(logger, context.TraceIdentifier, shown);
        return new ProxyError(
            HttpStatusCode.Forbidden,
            $"Requests from web pages are refused, and the origin {shown} is not allowed. Call the proxy from a program, not a browser page; " +
            "the operator can allow a page's origin with ClaudeProxy:AllowedOrigins.",
            "invalid_request_error",
            Code: "origin_not_allowed").WriteResponseAsync(context);
    }
}
