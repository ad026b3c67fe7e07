using System.Net;
using LlmConnectors.ClaudeProxy.Configuration;

namespace LlmConnectors.ClaudeProxy.Health;

/// <summary>
/// <c>LlmConnectors.ClaudeProxy --health-check</c>: asks the proxy already running with the same settings for <c>/health/ready</c>
/// over loopback, prints one line and exits with 0 when it is ready, 1 otherwise. The container image's <c>HEALTHCHECK</c> runs it,
/// since the runtime image has no curl.
/// </summary>
internal static class HealthCheckCommand
{
    /// <summary>The command-line switch that selects this mode.</summary>
    public const string Switch = "--health-check";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>Asks the running proxy whether it is ready.</summary>
    /// <param name="configuration">The proxy's configuration (listen addresses, <c>ClaudeProxy:AllowedHosts</c>).</param>
    /// <param name="output">Where the one-line answer goes when ready.</param>
    /// <param name="error">Where the one-line answer goes otherwise.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>0 when the proxy answered 200, 1 otherwise.</returns>
    public static async Task<int> RunAsync(IConfiguration configuration, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (ReadinessUrl(configuration) is not { } url)
        {
            await error.WriteLineAsync($"{Switch} needs an http:// listen address, but the proxy listens on {string.Join(", ", ClaudeProxyOptionsValidator.GetListenUrls(configuration))}.");
            return 1;
        }

        using var client = new HttpClient { Timeout = Timeout };
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Host = HostHeader(configuration, url);
        try
        {
            using var response = await client.SendAsync(request, cancellationToken);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                await output.WriteLineAsync($"ready ({url})");
                return 0;
            }

            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            await error.WriteLineAsync($"not ready: {url} answered {(int)response.StatusCode} {body.ReplaceLineEndings(" ").Trim()}");
            return 1;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            await error.WriteLineAsync($"not ready: {url} did not answer ({e.GetBaseException().Message})");
            return 1;
        }
    }

    /// <summary>Gets the readiness address of the first http:// listen address, with a wildcard host replaced by 127.0.0.1.</summary>
    /// <param name="configuration">The proxy's configuration.</param>
    /// <returns>The address, or <see langword="null"/> when the proxy listens on no http:// address.</returns>
    internal static Uri? ReadinessUrl(IConfiguration configuration)
    {
        foreach (var listen in ClaudeProxyOptionsValidator.GetListenUrls(configuration))
        {
            BindingAddress address;
            try
            {
                address = BindingAddress.Parse(listen);
            }
            catch (FormatException)
            {
                continue;
            }

            if (address.IsUnixPipe || address.IsNamedPipe || !string.Equals(address.Scheme, "http", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var host = address.Host is "*" or "+" or "0.0.0.0" or "[::]" or "" ? "127.0.0.1" : address.Host;
            return new Uri($"http://{host}:{address.Port}/health/ready");
        }

        return null;
    }

    /// <summary>The <c>Host</c> header to send: a name <c>ClaudeProxy:AllowedHosts</c> lets through (the loopback address when it allows any name or is not set).</summary>
    private static string HostHeader(IConfiguration configuration, Uri url)
    {
        var allowed = configuration.GetSection($"{ClaudeProxyOptions.SectionName}:{nameof(ClaudeProxyOptions.AllowedHosts)}").Get<string[]>() ?? [];
        var name = allowed switch
        {
            [] => url.Host,
            _ when allowed.Contains("*") || allowed.Contains(url.Host, StringComparer.OrdinalIgnoreCase) => url.Host,
            [var first, ..] when first.StartsWith("*.", StringComparison.Ordinal) => "health" + first[1..],
            [var first, ..] => first,
        };
        return $"{name}:{url.Port}";
    }
}
