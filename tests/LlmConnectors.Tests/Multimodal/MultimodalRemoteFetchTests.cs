using System.Net;
using LlmConnectors.Tests.Routing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace LlmConnectors.Tests.Multimodal;

public sealed class MultimodalRemoteFetchTests
{
    private readonly ScriptedChatClient _leaf = new("leaf");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ChatMessage UserWith(AIContent content) => new(ChatRole.User, [new TextContent("describe"), content]);

    private MultimodalPreprocessingChatClient Create(StubHandler handler) => new(_leaf)
    {
        AllowRemoteFetch = true,
        HttpClient = new HttpClient(handler),
    };

    [Fact]
    public async Task Fetch_Success_SendsDataContentWithSniffedType()
    {
        var handler = new StubHandler(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = Image(TestImages.Jpeg, "image/jpeg") });
        using var client = Create(handler);

        await client.GetResponseAsync([UserWith(new UriContent(new Uri("https://images.example/cat.png?token=secret"), "image/png"))], cancellationToken: Ct);

        var sent = Assert.IsType<DataContent>(_leaf.Calls[0].Messages[0].Contents[1]);
        Assert.Equal("image/jpeg", sent.MediaType);
        Assert.Equal(TestImages.Jpeg, sent.Data.ToArray());
        Assert.Equal("cat.png", sent.Name);
    }

    [Fact]
    public async Task Fetch_NotFound_ClearErrorWithoutQueryString()
    {
        var handler = new StubHandler(_ => new HttpResponseMessage(HttpStatusCode.NotFound));
        using var client = Create(handler);

        var ex = await Assert.ThrowsAsync<MultimodalPreprocessingException>(() => client.GetResponseAsync(
            [UserWith(new UriContent(new Uri("https://images.example/cat.png?token=secret"), "image/png"))], cancellationToken: Ct));

        Assert.Contains("HTTP 404", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", ex.Message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, ex.StatusCode);
        Assert.Empty(_leaf.Calls);
    }

    [Fact]
    public async Task Fetch_DeclaredLengthOverLimit_RejectedBeforeReading()
    {
        var handler = new StubHandler(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = Image(new byte[4096], "image/png") });
        using var client = Create(handler);
        client.MaxImageBytes = 1024;

        var ex = await Assert.ThrowsAsync<MultimodalPreprocessingException>(() => client.GetResponseAsync(
            [UserWith(new UriContent(new Uri("https://images.example/big.png"), "image/png"))], cancellationToken: Ct));

        Assert.Equal(LlmErrorKind.RequestTooLarge, ex.Kind);
    }

    [Fact]
    public async Task Fetch_UndeclaredLengthOverLimit_StopsReading()
    {
        var handler = new StubHandler(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new UnknownLengthStream(1 << 20)) { Headers = { ContentType = new("image/png") } } });
        using var client = Create(handler);
        client.MaxImageBytes = 1024;

        var ex = await Assert.ThrowsAsync<MultimodalPreprocessingException>(() => client.GetResponseAsync(
            [UserWith(new UriContent(new Uri("https://images.example/big.png"), "image/png"))], cancellationToken: Ct));

        Assert.Equal(LlmErrorKind.RequestTooLarge, ex.Kind);
    }

    [Fact]
    public async Task Fetch_SlowServer_TimeoutError()
    {
        var handler = new StubHandler(async (_, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return new HttpResponseMessage(HttpStatusCode.OK);
        });
        using var client = Create(handler);
        client.RemoteFetchTimeout = TimeSpan.FromMilliseconds(50);

        var ex = await Assert.ThrowsAsync<MultimodalPreprocessingException>(() => client.GetResponseAsync(
            [UserWith(new UriContent(new Uri("https://images.example/slow.png"), "image/png"))], cancellationToken: Ct));

        Assert.Equal(LlmErrorKind.Timeout, ex.Kind);
        Assert.Contains("RemoteFetchTimeout", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fetch_CallerCancels_OperationCanceledNotTimeout()
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var handler = new StubHandler(async (_, ct) =>
        {
            await cts.CancelAsync();
            await Task.Delay(Timeout.Infinite, ct);
            return new HttpResponseMessage(HttpStatusCode.OK);
        });
        using var client = Create(handler);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetResponseAsync(
            [UserWith(new UriContent(new Uri("https://images.example/slow.png"), "image/png"))], cancellationToken: cts.Token));
    }

    [Fact]
    public async Task Fetch_HostNotAllowed_Rejected()
    {
        var handler = new StubHandler(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = Image(TestImages.Png, "image/png") });
        using var client = Create(handler);
        client.AllowedRemoteHosts.Add(".trusted.example");

        var ex = await Assert.ThrowsAsync<MultimodalPreprocessingException>(() => client.GetResponseAsync(
            [UserWith(new UriContent(new Uri("http://169.254.169.254/latest.png"), "image/png"))], cancellationToken: Ct));

        Assert.Contains("AllowedRemoteHosts", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, handler.Calls);
    }

    [Fact]
    public async Task Fetch_RedirectToDisallowedHost_Rejected()
    {
        var handler = new StubHandler(request => request.RequestUri!.Host == "cdn.trusted.example"
            ? new HttpResponseMessage(HttpStatusCode.Found) { Headers = { Location = new Uri("http://internal.local/x.png") } }
            : new HttpResponseMessage(HttpStatusCode.OK) { Content = Image(TestImages.Png, "image/png") });
        using var client = Create(handler);
        client.AllowedRemoteHosts.Add(".trusted.example");

        var ex = await Assert.ThrowsAsync<MultimodalPreprocessingException>(() => client.GetResponseAsync(
            [UserWith(new UriContent(new Uri("https://cdn.trusted.example/a.png"), "image/png"))], cancellationToken: Ct));

        Assert.Contains("internal.local", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fetch_RedirectToAllowedHost_Followed()
    {
        var handler = new StubHandler(request => request.RequestUri!.AbsolutePath == "/old.png"
            ? new HttpResponseMessage(HttpStatusCode.MovedPermanently) { Headers = { Location = new Uri("/new.png", UriKind.Relative) } }
            : new HttpResponseMessage(HttpStatusCode.OK) { Content = Image(TestImages.Gif, "image/gif") });
        using var client = Create(handler);

        await client.GetResponseAsync([UserWith(new UriContent(new Uri("https://images.example/old.png"), "image/png"))], cancellationToken: Ct);

        Assert.Equal("image/gif", Assert.IsType<DataContent>(_leaf.Calls[0].Messages[0].Contents[1]).MediaType);
        Assert.Equal(2, handler.Calls);
    }

    [Fact]
    public async Task Fetch_RealKestrelServer_WithOwnedHttpClient()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        await using var app = builder.Build();
        app.MapGet("/img", () => Results.Bytes(TestImages.Png, "image/png"));
        await app.StartAsync(Ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var client = new MultimodalPreprocessingChatClient(_leaf) { AllowRemoteFetch = true };

        // The server is on loopback: refused by default, served once private networks are allowed.
        var refused = await Assert.ThrowsAsync<MultimodalPreprocessingException>(() =>
            client.GetResponseAsync([UserWith(new UriContent(new Uri(address + "/img"), "image/*"))], cancellationToken: Ct));
        client.AllowPrivateNetworkFetch = true;
        await client.GetResponseAsync([UserWith(new UriContent(new Uri(address + "/img"), "image/*"))], cancellationToken: Ct);

        Assert.Contains("AllowPrivateNetworkFetch", refused.Message, StringComparison.Ordinal);
        Assert.Equal("image/png", Assert.IsType<DataContent>(Assert.Single(_leaf.Calls).Messages[0].Contents[1]).MediaType);
        await app.StopAsync(Ct);
    }

    internal static ByteArrayContent Image(byte[] bytes, string mediaType) => new(bytes) { Headers = { ContentType = new(mediaType) } };

    internal sealed class StubHandler : HttpMessageHandler
    {
        private readonly Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> _respond;

        public StubHandler(Func<HttpRequestMessage, HttpResponseMessage> respond)
            : this((request, _) => Task.FromResult(respond(request)))
        {
        }

        public StubHandler(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> respond) => _respond = respond;

        public int Calls { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Calls++;
            return _respond(request, cancellationToken);
        }
    }

    internal sealed class UnknownLengthStream(int length) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = Math.Min(count, length - _position);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
