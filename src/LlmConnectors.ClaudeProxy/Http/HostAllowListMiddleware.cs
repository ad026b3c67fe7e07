using System.Net;
using LlmConnectors.ClaudeProxy.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace LlmConnectors.ClaudeProxy.Http;

/// <summary>
/// Answers only requests whose <c>Host</c> header names this proxy (<c>ClaudeProxy:AllowedHosts</c>; by default the loopback names),
/// so that DNS rebinding fails: a web page on <c>attacker.example</c> whose name is re-pointed at 127.0.0.1 reaches the proxy with
/// <c>Host: attacker.example</c> and gets 400 <c>host_not_allowed</c>.
/// </summary>
/// <remarks>
/// The matching is ASP.NET Core's own (<see cref="HostString.MatchesAny"/>, the rule of <c>HostFilteringMiddleware</c>). The middleware
/// itself is not used: it runs from a startup filter ahead of the whole pipeline and answers with an HTML page or an empty body,
/// where the proxy's clients read OpenAI's JSON error body; and its setting (top-level <c>AllowedHosts</c>) defaults to any host.
/// </remarks>
internal sealed class HostAllowListMiddleware(RequestDelegate next, IOptions<ClaudeProxyOptions> options, ILogger<HostAllowListMiddleware> logger)
{
    /// <summary>The names a proxy answers to when <c>ClaudeProxy:AllowedHosts</c> is not set.</summary>
    public static readonly IReadOnlyList<string> LoopbackHosts = ["localhost", "127.0.0.1", "[::1]"];

    private readonly bool _configured = options.Value.AllowedHosts.Length > 0;
    private readonly StringSegment[] _patterns = [.. (options.Value.AllowedHosts.Length > 0 ? options.Value.AllowedHosts : LoopbackHosts).Select(h => new StringSegment(h))];

    /// <summary>Checks the <c>Host</c> header, then calls the next middleware.</summary>
    /// <param name="context">The request.</param>
    /// <returns>A task that completes when the request is handled.</returns>
    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var host = context.Request.Host;

        // No Host at all (HTTP/1.0) is let through, as by ASP.NET Core's host filtering: a browser always sends one.
        if (!host.HasValue || IsAllowed(host.Value))
        {
            return next(context);
        }

        var shown = ClientText.Quote(host.Value);
        ProxyHttpLog.HostRejected(logger, context.TraceIdentifier, shown!);
        var names = _configured
            ? "the names the operator configured"
            : $"{string.Join(", ", LoopbackHosts)} (with any port)";
        return new ProxyError(
            HttpStatusCode.BadRequest,
            $"The Host header '{shown}' does not name this proxy; it answers to {names}. Call it by one of those names; the operator can add names to ClaudeProxy:AllowedHosts.",
            "invalid_request_error",
            Code: "host_not_allowed").WriteResponseAsync(context);
    }

    private bool IsAllowed(string host)
    {
        try
        {
            return HostString.MatchesAny(host, _patterns);
        }
        catch (FormatException)
        {
            // A malformed port.
            return false;
        }
    }
}
