using System.Net;
using LlmConnectors.Multimodal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using static LlmConnectors.Tests.Multimodal.MultimodalRemoteFetchTests;

namespace LlmConnectors.Tests.Multimodal;

/// <summary>One test (at least) per rule of the pack's one remote image download, shared by the multimodal middleware and the proxy.</summary>
public sealed class RemoteImageDownloaderTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static RemoteImageRules Rules(bool allowPrivate = false, string[]? hosts = null, bool acceptPdf = false, string[]? accepted = null, long maxBytes = 1 << 20) => new()
    {
        MaxBytes = maxBytes,
        Timeout = TimeSpan.FromSeconds(30),
        AllowedHosts = hosts ?? [],
        AllowPrivateNetworks = allowPrivate,
        AcceptPdf = acceptPdf,
        AcceptedMediaTypes = accepted,
        MaxBytesSetting = "Test:MaxBytes",
        TimeoutSetting = "Test:Timeout",
        AllowedHostsSetting = "Test:Hosts",
        AllowPrivateNetworksSetting = "Test:AllowPrivate",
    };

    private static Task<(ReadOnlyMemory<byte> Data, string MediaType)> Download(StubHandler handler, string url, RemoteImageRules rules)
    {
        var downloader = new RemoteImageDownloader(new HttpClient(handler));
        return downloader.DownloadAsync(new Uri(url), url, rules, Ct);
    }

    private static StubHandler Serving(byte[] bytes, string mediaType) => new(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = Image(bytes, mediaType) });

    [Theory]
    [InlineData("ftp://images.example/cat.png")]
    [InlineData("file:///etc/passwd")]
    public async Task Scheme_OtherThanHttp_RefusedBeforeAnyRequest(string url)
    {
        var handler = Serving(TestImages.Png, "image/png");

        var e = await Assert.ThrowsAsync<MultimodalPreprocessingException>(() => Download(handler, url, Rules()));

        Assert.Contains("only http and https", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, handler.Calls);
    }

    [Fact]
    public async Task Scheme_RedirectToFile_Refused()
    {
        var handler = new StubHandler(_ => new HttpResponseMessage(HttpStatusCode.Found) { Headers = { Location = new Uri("file:///etc/passwd") } });

        var e = await Assert.ThrowsAsync<MultimodalPreprocessingException>(() => Download(handler, "https://images.example/a.png", Rules()));

        Assert.Contains("redirected to a 'file:' URL", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1/a.png")]
    [InlineData("http://127.9.9.9/a.png")]
    [InlineData("http://10.1.2.3/a.png")]
    [InlineData("http://172.16.0.1/a.png")]
    [InlineData("http://192.168.1.1/a.png")]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    [InlineData("http://100.64.0.1/a.png")]
    [InlineData("http://0.0.0.0/a.png")]
    [InlineData("http://[::1]/a.png")]
    [InlineData("http://[fe80::1]/a.png")]
    [InlineData("http://[fd00::1]/a.png")]
    [InlineData("http://[::ffff:127.0.0.1]/a.png")]
    [InlineData("http://localhost/a.png")]
    [InlineData("http://api.localhost/a.png")]
    public async Task PrivateAddress_InTheUrl_RefusedUnlessAllowed(string url)
    {
        var handler = Serving(TestImages.Png, "image/png");

        var e = await Assert.ThrowsAsync<MultimodalPreprocessingException>(() => Download(handler, url, Rules()));
        var allowed = await Download(handler, url, Rules(allowPrivate: true));

        Assert.Contains("Test:AllowPrivate", e.Message, StringComparison.Ordinal);
        Assert.Equal("image/png", allowed.MediaType);
        Assert.Equal(1, handler.Calls);
    }

    [Theory]
    [InlineData("8.8.8.8", true)]
    [InlineData("1.1.1.1", true)]
    [InlineData("172.32.0.1", true)]
    [InlineData("2606:4700::1111", true)]
    [InlineData("64:ff9b::808:808", true)]
    [InlineData("64:ff9b::a00:1", false)]
    [InlineData("::ffff:10.0.0.1", false)]
    [InlineData("224.0.0.1", false)]
    [InlineData("255.255.255.255", false)]
    [InlineData("ff02::1", false)]
    [InlineData("::", false)]
    public void IsPublic_ClassifiesAddresses(string address, bool expected) =>
        Assert.Equal(expected, RemoteImageDownloader.IsPublic(IPAddress.Parse(address)));

    [Fact]
    public async Task PrivateAddress_ANameResolvingToLoopback_RefusedAtConnectUnlessAllowed()
    {
        await using var server = await ImageServer.StartAsync(TestImages.Png, "image/png");
        using var downloader = new RemoteImageDownloader(null, (host, _) => Task.FromResult(host == "images.test" ? new[] { IPAddress.Loopback } : []));
        var url = new Uri($"http://images.test:{server.Port}/img");

        var e = await Assert.ThrowsAsync<MultimodalPreprocessingException>(() => downloader.DownloadAsync(url, "img", Rules(), Ct));
        var allowed = await downloader.DownloadAsync(url, "img", Rules(allowPrivate: true), Ct);

        Assert.Contains("resolves only to loopback, private or link-local addresses", e.Message, StringComparison.Ordinal);
        Assert.Contains("Test:AllowPrivate", e.Message, StringComparison.Ordinal);
        Assert.Equal(TestImages.Png, allowed.Data.ToArray());
        Assert.Equal(1, server.Requests);
    }

    [Fact]
    public async Task Redirect_ToAPrivateAddress_RefusedOnTheHop()
    {
        var handler = new StubHandler(request => request.RequestUri!.Host == "images.example"
            ? new HttpResponseMessage(HttpStatusCode.TemporaryRedirect) { Headers = { Location = new Uri("http://169.254.169.254/latest/meta-data") } }
            : new HttpResponseMessage(HttpStatusCode.OK) { Content = Image(TestImages.Png, "image/png") });

        var e = await Assert.ThrowsAsync<MultimodalPreprocessingException>(() => Download(handler, "https://images.example/a.png", Rules()));

        Assert.Contains("redirected to '169.254.169.254'", e.Message, StringComparison.Ordinal);
        Assert.Equal(1, handler.Calls);
    }

    [Fact]
    public async Task Redirect_ToAHostOffTheList_RefusedOnTheHop()
    {
        var handler = new StubHandler(_ => new HttpResponseMessage(HttpStatusCode.Found) { Headers = { Location = new Uri("https://elsewhere.example/a.png") } });

        var e = await Assert.ThrowsAsync<MultimodalPreprocessingException>(() => Download(handler, "https://cdn.trusted.example/a.png", Rules(hosts: [".trusted.example"])));

        Assert.Contains("'elsewhere.example', which is not in Test:Hosts (after a redirect)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Redirect_MoreThanFive_Refused()
    {
        var handler = new StubHandler(request => new HttpResponseMessage(HttpStatusCode.Found) { Headers = { Location = new Uri(request.RequestUri!, "/again" + Guid.NewGuid().ToString("N")) } });

        var e = await Assert.ThrowsAsync<MultimodalPreprocessingException>(() => Download(handler, "https://images.example/a.png", Rules()));

        Assert.Contains("redirected more than 5 times", e.Message, StringComparison.Ordinal);
        Assert.Equal(RemoteImageRules.MaxRedirects + 1, handler.Calls);
    }

    [Fact]
    public async Task Size_DeclaredLengthOverTheCap_RefusedBeforeReading()
    {
        var e = await Assert.ThrowsAsync<MultimodalPreprocessingException>(() => Download(Serving(new byte[4096], "image/png"), "https://images.example/a.png", Rules(maxBytes: 1024)));

        Assert.Equal(LlmErrorKind.RequestTooLarge, e.Kind);
        Assert.Contains("Test:MaxBytes (1024 bytes)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Size_UndeclaredLengthOverTheCap_StopsWhileReading()
    {
        var stream = new UnknownLengthStream(64 << 20);
        var handler = new StubHandler(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(stream) { Headers = { ContentType = new("image/png") } } });

        var e = await Assert.ThrowsAsync<MultimodalPreprocessingException>(() => Download(handler, "https://images.example/a.png", Rules(maxBytes: 1024)));

        Assert.Equal(LlmErrorKind.RequestTooLarge, e.Kind);
        Assert.True(stream.Position < 1 << 20, $"read {stream.Position} bytes of a 64 MiB body with a 1 KiB cap");
    }

    [Theory]
    [InlineData("text/html")]
    [InlineData("application/octet-stream")]
    [InlineData(null)]
    public async Task ContentType_DeclaredNotAnImage_Refused(string? declared)
    {
        var content = new ByteArrayContent(TestImages.Png);
        content.Headers.ContentType = declared is null ? null : new(declared);
        var handler = new StubHandler(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = content });

        var e = await Assert.ThrowsAsync<MultimodalPreprocessingException>(() => Download(handler, "https://images.example/a.png", Rules()));

        Assert.Contains($"Content-Type '{declared ?? "none"}'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ContentType_DeclaredImageButTheBytesAreNot_Refused()
    {
        var e = await Assert.ThrowsAsync<MultimodalPreprocessingException>(() => Download(Serving(TestImages.Text, "image/png"), "https://images.example/a.png", Rules()));

        Assert.Contains("not in an accepted format", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ContentType_TheSniffedTypeIsTheOnePassedOn()
    {
        var (_, mediaType) = await Download(Serving(TestImages.Jpeg, "image/png"), "https://images.example/a.png", Rules());

        Assert.Equal("image/jpeg", mediaType);
    }

    [Fact]
    public async Task ContentType_FormatOutsideTheAcceptedList_Refused()
    {
        var e = await Assert.ThrowsAsync<MultimodalPreprocessingException>(() =>
            Download(Serving(TestImages.Bmp, "image/bmp"), "https://images.example/a.bmp", Rules(accepted: ["image/png", "image/jpeg"])));

        Assert.Contains("image/bmp", e.Message, StringComparison.Ordinal);
        Assert.Contains("only image/png, image/jpeg are accepted", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ContentType_PdfOnlyWhereAccepted()
    {
        await Assert.ThrowsAsync<MultimodalPreprocessingException>(() => Download(Serving(TestImages.Pdf, "application/pdf"), "https://docs.example/a.pdf", Rules()));
        var (_, mediaType) = await Download(Serving(TestImages.Pdf, "application/pdf"), "https://docs.example/a.pdf", Rules(acceptPdf: true));

        Assert.Equal("application/pdf", mediaType);
    }

    [Fact]
    public async Task Timeout_CoversTheWholeDownload()
    {
        var handler = new StubHandler(async (_, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return new HttpResponseMessage(HttpStatusCode.OK);
        });

        var e = await Assert.ThrowsAsync<MultimodalPreprocessingException>(() =>
            Download(handler, "https://images.example/a.png", Rules() with { Timeout = TimeSpan.FromMilliseconds(50) }));

        Assert.Equal(LlmErrorKind.Timeout, e.Kind);
        Assert.Contains("Test:Timeout", e.Message, StringComparison.Ordinal);
    }

    /// <summary>A real Kestrel server on 127.0.0.1 that serves one image and counts requests.</summary>
    private sealed class ImageServer : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private int _requests;

        private ImageServer(WebApplication app) => _app = app;

        public int Port { get; private set; }

        public int Requests => Volatile.Read(ref _requests);

        public static async Task<ImageServer> StartAsync(byte[] bytes, string mediaType)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var server = new ImageServer(app);
            app.MapGet("/img", () =>
            {
                Interlocked.Increment(ref server._requests);
                return Results.Bytes(bytes, mediaType);
            });
            await app.StartAsync(Ct);
            server.Port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
            return server;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
        }
    }
}
