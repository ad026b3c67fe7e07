using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;

namespace LlmConnectors.Multimodal;

/// <summary>
/// The pack's one remote image download, used by <see cref="MultimodalPreprocessingChatClient"/> and the Claude proxy. Its rules:
/// <list type="bullet">
/// <item><description>only <c>http</c> and <c>https</c>, on the first request and on every redirect (at most <see cref="RemoteImageRules.MaxRedirects"/>, each one checked again);</description></item>
/// <item><description>the host must be in <see cref="RemoteImageRules.AllowedHosts"/> when that list is not empty;</description></item>
/// <item><description>no loopback, private, link-local, shared, multicast or unspecified address unless <see cref="RemoteImageRules.AllowPrivateNetworks"/>:
/// checked on the URL (literal addresses, <c>localhost</c>) and, with the downloader's own handler, on every address a name resolves to
/// at connect time, so a name that resolves to 127.0.0.1 (DNS rebinding) is refused too; no environment proxy is used;</description></item>
/// <item><description>the declared <c>Content-Type</c> must be <c>image/*</c> (or <c>application/pdf</c> where PDFs are accepted), and the bytes
/// must be a known format (<see cref="MediaTypeSniffer"/>); the sniffed type is the one passed on;</description></item>
/// <item><description>at most <see cref="RemoteImageRules.MaxBytes"/>: a larger <c>Content-Length</c> is refused before reading, and reading stops
/// as soon as the limit is passed;</description></item>
/// <item><description>the whole download, redirects included, within <see cref="RemoteImageRules.Timeout"/>.</description></item>
/// </list>
/// Errors are <see cref="MultimodalPreprocessingException"/>s naming the setting to change; URLs in messages lose their query string.
/// </summary>
internal sealed class RemoteImageDownloader : IDisposable
{
    private static readonly HttpRequestOptionsKey<bool> AllowPrivateNetworksKey = new("LlmConnectors.RemoteImage.AllowPrivateNetworks");

    private readonly HttpClient _httpClient;
    private readonly bool _ownsHttpClient;

    /// <summary>Initializes a new instance of the <see cref="RemoteImageDownloader"/> class.</summary>
    /// <param name="httpClient">
    /// The client to send with; <see langword="null"/> to own one whose connect step checks every address a name resolves to.
    /// A given client must not follow redirects itself; with it, only the URL-level address checks apply.
    /// </param>
    public RemoteImageDownloader(HttpClient? httpClient = null)
        : this(httpClient, resolve: null)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="RemoteImageDownloader"/> class that owns its client and resolves names with <paramref name="resolve"/> (tests).</summary>
    /// <param name="httpClient">The client to send with, or <see langword="null"/> to own one.</param>
    /// <param name="resolve">The name resolver of the owned handler; <see langword="null"/> for DNS.</param>
    internal RemoteImageDownloader(HttpClient? httpClient, Func<string, CancellationToken, Task<IPAddress[]>>? resolve)
    {
        _ownsHttpClient = httpClient is null;
        _httpClient = httpClient ?? new HttpClient(CreateHandler(resolve ?? Dns.GetHostAddressesAsync), disposeHandler: true) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
    }

    /// <summary>Downloads an image under the given rules.</summary>
    /// <param name="uri">The absolute URL.</param>
    /// <param name="reference">How the image is named in messages (the URL without its query string, or the request parameter).</param>
    /// <param name="rules">The rules.</param>
    /// <param name="cancellationToken">The caller's token; its cancellation is not reported as a timeout.</param>
    /// <returns>The bytes and their sniffed media type.</returns>
    /// <exception cref="MultimodalPreprocessingException">A rule refused the download, or it failed; the message says which setting to change.</exception>
    public async Task<(ReadOnlyMemory<byte> Data, string MediaType)> DownloadAsync(Uri uri, string reference, RemoteImageRules rules, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uri);
        ArgumentNullException.ThrowIfNull(rules);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(rules.Timeout);
        try
        {
            for (var hop = 0; ; hop++)
            {
                CheckTarget(uri, reference, rules, redirected: hop > 0);
                using var request = new HttpRequestMessage(HttpMethod.Get, uri);
                request.Options.Set(AllowPrivateNetworksKey, rules.AllowPrivateNetworks);
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("image/*"));
                if (rules.AcceptPdf)
                {
                    request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/pdf"));
                }

                using var response = await _httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
                var status = (int)response.StatusCode;
                if (status is >= 300 and < 400 && response.Headers.Location is { } location)
                {
                    if (hop >= RemoteImageRules.MaxRedirects)
                    {
                        throw Fail($"The image URL '{reference}' redirected more than {RemoteImageRules.MaxRedirects} times.", reference);
                    }

                    uri = location.IsAbsoluteUri ? location : new Uri(uri, location);
                    continue;
                }

                if (!response.IsSuccessStatusCode)
                {
                    throw new MultimodalPreprocessingException(
                        $"Downloading the image '{reference}' failed with HTTP {status} {response.ReasonPhrase}.", LlmErrorKind.InvalidRequest, response.StatusCode)
                    {
                        ImageReference = reference,
                    };
                }

                CheckDeclaredType(response.Content.Headers.ContentType?.MediaType, reference, rules);
                if (response.Content.Headers.ContentLength is { } declared)
                {
                    CheckSize(declared, reference, rules);
                }

                var data = await ReadBoundedAsync(response.Content, reference, rules, timeout.Token).ConfigureAwait(false);
                var sniffed = MediaTypeSniffer.Sniff(data.Span);
                if (sniffed is null || (sniffed == "application/pdf" && !rules.AcceptPdf) || (rules.AcceptedMediaTypes is { } accepted && !accepted.Contains(sniffed, StringComparer.OrdinalIgnoreCase)))
                {
                    var expected = rules.AcceptedMediaTypes is { } list ? string.Join(", ", list) : MediaTypeSniffer.KnownFormats;
                    throw Fail(
                        $"The image '{reference}' is not in an accepted format: its bytes are {(sniffed is null ? "none of the known formats" : sniffed)}, " +
                        $"and only {expected} are accepted (the type is taken from the content, not from the Content-Type header).",
                        reference);
                }

                return (data, sniffed);
            }
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new MultimodalPreprocessingException(
                $"Downloading the image '{reference}' took longer than {rules.TimeoutSetting} ({rules.Timeout}).", LlmErrorKind.Timeout, innerException: e)
            {
                ImageReference = reference,
            };
        }
        catch (HttpRequestException e) when (e.InnerException is BlockedAddressException blocked)
        {
            throw new MultimodalPreprocessingException(
                $"The image URL '{reference}' names the host '{blocked.Host}', which resolves only to loopback, private or link-local addresses; " +
                $"those are not contacted unless {rules.AllowPrivateNetworksSetting} is true.",
                e)
            {
                ImageReference = reference,
            };
        }
        catch (HttpRequestException e)
        {
            throw new MultimodalPreprocessingException($"Downloading the image '{reference}' failed: {e.Message}", LlmErrorKind.Network, innerException: e)
            {
                ImageReference = reference,
            };
        }
    }

    /// <summary>Tells whether an address is one a download may contact without <see cref="RemoteImageRules.AllowPrivateNetworks"/>.</summary>
    /// <param name="address">The address.</param>
    /// <returns><see langword="false"/> for loopback, unspecified, private (RFC 1918, IPv6 unique local), shared (100.64/10), link-local, multicast, reserved and broadcast addresses.</returns>
    public static bool IsPublic(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            Span<byte> b = stackalloc byte[4];
            _ = address.TryWriteBytes(b, out _);
            return !(b[0] is 0 or 10 or 127 or >= 224
                || (b[0] == 100 && (b[1] & 0xC0) == 64)
                || (b[0] == 169 && b[1] == 254)
                || (b[0] == 172 && (b[1] & 0xF0) == 16)
                || (b[0] == 192 && b[1] == 168)
                || (b[0] == 192 && b[1] == 0 && b[2] == 0));
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6 || IPAddress.IsLoopback(address) || address.Equals(IPAddress.IPv6Any))
        {
            return false;
        }

        Span<byte> v6 = stackalloc byte[16];
        _ = address.TryWriteBytes(v6, out _);

        // NAT64 (64:ff9b::/96) and IPv4-compatible (::/96) addresses carry an IPv4 address: judge that one.
        if ((v6[..12].SequenceEqual((ReadOnlySpan<byte>)[0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0])) || v6[..12].IndexOfAnyExcept((byte)0) < 0)
        {
            return IsPublic(new IPAddress(v6[12..]));
        }

        return !(address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || address.IsIPv6UniqueLocal);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_ownsHttpClient)
        {
            _httpClient.Dispose();
        }
    }

    private static void CheckTarget(Uri uri, string reference, RemoteImageRules rules, bool redirected)
    {
        if (uri.Scheme is not ("http" or "https"))
        {
            throw Fail(
                redirected
                    ? $"The image URL '{reference}' redirected to a '{uri.Scheme}:' URL; only http and https are followed."
                    : $"The image URL '{reference}' has the scheme '{uri.Scheme}:'; only http and https are downloaded.",
                reference);
        }

        if (rules.AllowedHosts.Count > 0 && !rules.AllowedHosts.Any(allowed => string.Equals(uri.IdnHost, allowed, StringComparison.OrdinalIgnoreCase)
            || (allowed.StartsWith('.') && uri.IdnHost.EndsWith(allowed, StringComparison.OrdinalIgnoreCase))))
        {
            throw Fail($"The image URL '{reference}' is on the host '{uri.Host}', which is not in {rules.AllowedHostsSetting}{(redirected ? " (after a redirect)" : string.Empty)}.", reference);
        }

        if (!rules.AllowPrivateNetworks && !IsPublicHost(uri))
        {
            throw Fail(
                $"The image URL '{reference}' {(redirected ? "redirected to" : "names")} '{uri.Host}', a loopback, private or link-local address; " +
                $"those are not contacted unless {rules.AllowPrivateNetworksSetting} is true.",
                reference);
        }
    }

    private static bool IsPublicHost(Uri uri) => uri.HostNameType switch
    {
        UriHostNameType.IPv4 or UriHostNameType.IPv6 => IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IsPublic(ip),
        _ => !(string.Equals(uri.IdnHost, "localhost", StringComparison.OrdinalIgnoreCase) || uri.IdnHost.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)),
    };

    private static void CheckDeclaredType(string? mediaType, string reference, RemoteImageRules rules)
    {
        if (mediaType is not null && (mediaType.StartsWith("image/", StringComparison.OrdinalIgnoreCase)
            || (rules.AcceptPdf && string.Equals(mediaType, "application/pdf", StringComparison.OrdinalIgnoreCase))))
        {
            return;
        }

        throw Fail($"The image URL '{reference}' answered with Content-Type '{mediaType ?? "none"}', which is not an image{(rules.AcceptPdf ? " or a PDF" : string.Empty)}.", reference);
    }

    private static void CheckSize(long length, string reference, RemoteImageRules rules)
    {
        if (length > rules.MaxBytes)
        {
            throw new MultimodalPreprocessingException(
                $"The image '{reference}' is larger than {rules.MaxBytesSetting} ({rules.MaxBytes} bytes). Send a smaller image, or raise {rules.MaxBytesSetting}.",
                LlmErrorKind.RequestTooLarge)
            {
                ImageReference = reference,
            };
        }
    }

    private static async Task<ReadOnlyMemory<byte>> ReadBoundedAsync(HttpContent content, string reference, RemoteImageRules rules, CancellationToken cancellationToken)
    {
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int n;
            while ((n = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                CheckSize(buffer.Length + n, reference, rules);
                buffer.Write(chunk, 0, n);
            }

            return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        }
    }

    private static MultimodalPreprocessingException Fail(string message, string reference) => new(message) { ImageReference = reference };

    /// <summary>The owned handler: no automatic redirects, no environment proxy, and a connect step that refuses non-public addresses unless the request allows them.</summary>
    private static SocketsHttpHandler CreateHandler(Func<string, CancellationToken, Task<IPAddress[]>> resolve) => new()
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        AutomaticDecompression = DecompressionMethods.All,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        ConnectCallback = (context, cancellationToken) => ConnectAsync(context, resolve, cancellationToken),
    };

    private static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, Func<string, CancellationToken, Task<IPAddress[]>> resolve, CancellationToken cancellationToken)
    {
        var allowPrivate = context.InitialRequestMessage.Options.TryGetValue(AllowPrivateNetworksKey, out var allowed) && allowed;
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await resolve(host, cancellationToken).ConfigureAwait(false);
        var usable = allowPrivate ? addresses : Array.FindAll(addresses, IsPublic);
        if (usable.Length == 0)
        {
            throw new BlockedAddressException(host);
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(usable, context.DnsEndPoint.Port, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Raised by the connect step when a name resolves only to addresses the request may not contact.</summary>
    private sealed class BlockedAddressException(string host) : IOException($"'{host}' resolves only to non-public addresses.")
    {
        public string Host { get; } = host;
    }
}
