using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using static LlmConnectors.IntegrationTests.ClaudeProxy.ProxyTestHelpers;

namespace LlmConnectors.IntegrationTests.ClaudeProxy;

/// <summary>What a web page in a browser on the same machine can make the proxy do, played on real Kestrel: nothing, by default.</summary>
public class BrowserSafetyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> SendAsync(HttpClient client, HttpRequestMessage request)
    {
        var response = await client.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, text.Length > 0 ? JsonDocument.Parse(text).RootElement.Clone() : default, response);
    }

    private static HttpRequestMessage Chat(string? contentType = "application/json", string body = SimpleRequest, string path = "/v1/chat/completions")
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        if (contentType is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        return new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
    }

    [Theory]
    [InlineData("attacker.example:3010")]
    [InlineData("attacker.example")]
    [InlineData("localhost.attacker.example")]
    [InlineData("127.0.0.1.nip.io:3010")]
    public async Task Host_DnsRebindingName_Returns400AndReachesNoModel(string host)
    {
        await using var factory = new ProxyFactory();
        using var client = factory.CreateClient();
        using var chat = Chat();
        chat.Headers.Host = host;
        using var models = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
        models.Headers.Host = host;

        var (status, body, _) = await SendAsync(client, chat);
        var (modelsStatus, modelsBody, _) = await SendAsync(client, models);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        AssertError(body, "host_not_allowed", expectedType: "invalid_request_error");
        Assert.Contains("ClaudeProxy:AllowedHosts", body.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, modelsStatus);
        AssertError(modelsBody, "host_not_allowed");
        Assert.Equal(0, factory.Client.Calls);
    }

    [Theory]
    [InlineData("localhost:3010")]
    [InlineData("LOCALHOST")]
    [InlineData("127.0.0.1:1")]
    [InlineData("[::1]:3010")]
    public async Task Host_LoopbackNames_AreServedWithAnyPort(string host)
    {
        await using var factory = new ProxyFactory();
        using var client = factory.CreateClient();
        using var chat = Chat();
        chat.Headers.Host = host;

        var (status, _, _) = await SendAsync(client, chat);

        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task Host_Configured_ServesThoseNamesOnly()
    {
        await using var factory = new ProxyFactory(new() { ["ClaudeProxy:AllowedHosts:0"] = "proxy.example", ["ClaudeProxy:AllowedHosts:1"] = "*.internal.example" });
        using var client = factory.CreateClient();
        using var named = Chat();
        named.Headers.Host = "proxy.example:8443";
        using var wildcard = Chat();
        wildcard.Headers.Host = "a.internal.example";
        using var loopback = Chat();
        loopback.Headers.Host = "localhost";

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(client, named)).Status);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(client, wildcard)).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(client, loopback)).Status);
    }

    [Theory]
    [InlineData("POST", "https://evil.example")]
    [InlineData("POST", "http://localhost:8080")]
    [InlineData("POST", "null")]
    [InlineData("GET", "https://evil.example")]
    [InlineData("OPTIONS", "https://evil.example")]
    public async Task Origin_NotConfigured_Returns403WithOpenAIError(string method, string origin)
    {
        await using var factory = new ProxyFactory();
        using var client = factory.CreateClient();
        using var request = method switch
        {
            "POST" => Chat(),
            "GET" => new HttpRequestMessage(HttpMethod.Get, "/v1/models"),
            _ => new HttpRequestMessage(HttpMethod.Options, "/v1/chat/completions"),
        };
        request.Headers.Add("Origin", origin);
        if (method == "OPTIONS")
        {
            request.Headers.Add("Access-Control-Request-Method", "POST");
            request.Headers.Add("Access-Control-Request-Headers", "content-type");
        }

        var (status, body, response) = await SendAsync(client, request);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        AssertError(body, "origin_not_allowed");
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.Equal(0, factory.Client.Calls);
    }

    [Theory]
    [InlineData("cross-site", HttpStatusCode.Forbidden)]
    [InlineData("same-site", HttpStatusCode.Forbidden)]
    [InlineData("none", HttpStatusCode.OK)]
    [InlineData("same-origin", HttpStatusCode.OK)]
    public async Task SecFetchSite_WithoutOrigin_RefusesPagesOfOtherSites(string site, HttpStatusCode expected)
    {
        await using var factory = new ProxyFactory();
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
        request.Headers.Add("Sec-Fetch-Site", site);

        var (status, body, _) = await SendAsync(client, request);

        Assert.Equal(expected, status);
        if (expected == HttpStatusCode.Forbidden)
        {
            AssertError(body, "origin_not_allowed");
        }
    }

    [Fact]
    public async Task Origin_Configured_AnswersPreflightAndServesThatOrigin()
    {
        await using var factory = new ProxyFactory(new() { ["ClaudeProxy:AllowedOrigins:0"] = "https://app.example" });
        using var client = factory.CreateClient();
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/v1/chat/completions");
        preflight.Headers.Add("Origin", "https://app.example");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        using var chat = Chat();
        chat.Headers.Add("Origin", "https://app.example");
        chat.Headers.Add("Sec-Fetch-Site", "cross-site");
        using var other = Chat();
        other.Headers.Add("Origin", "https://evil.example");

        var preflightResponse = await client.SendAsync(preflight, Ct);
        var (chatStatus, _, chatResponse) = await SendAsync(client, chat);
        var (otherStatus, otherBody, _) = await SendAsync(client, other);

        Assert.Equal(HttpStatusCode.NoContent, preflightResponse.StatusCode);
        Assert.Equal("https://app.example", preflightResponse.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("POST", string.Join(",", preflightResponse.Headers.GetValues("Access-Control-Allow-Methods")), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, chatStatus);
        Assert.Equal("https://app.example", chatResponse.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal(HttpStatusCode.Forbidden, otherStatus);
        AssertError(otherBody, "origin_not_allowed");
        Assert.Equal(1, factory.Client.Calls);
    }

    [Theory]
    [InlineData("text/plain;charset=json")]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("multipart/form-data; boundary=x")]
    [InlineData("application/jsonp")]
    [InlineData("application/json-patch+json")]
    [InlineData("application/json; charset=utf-16")]
    [InlineData(null)]
    public async Task ContentType_NotExactlyJson_Returns415(string? contentType)
    {
        await using var factory = new ProxyFactory();
        using var client = factory.CreateClient();
        using var request = Chat(contentType);

        var (status, body, _) = await SendAsync(client, request);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        AssertError(body, "unsupported_media_type", expectedType: "invalid_request_error");
        Assert.Contains("application/json", body.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, factory.Client.Calls);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("Application/JSON;charset=\"UTF-8\"")]
    public async Task ContentType_Json_IsServed(string contentType)
    {
        await using var factory = new ProxyFactory();
        using var client = factory.CreateClient();
        using var request = Chat(contentType);

        var (status, _, _) = await SendAsync(client, request);

        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Theory]
    [InlineData("header-size", HttpStatusCode.RequestHeaderFieldsTooLarge, "headers_too_large")]
    [InlineData("header-count", HttpStatusCode.RequestHeaderFieldsTooLarge, "too_many_headers")]
    [InlineData("request-line", HttpStatusCode.RequestUriTooLong, "request_line_too_long")]
    public async Task HeaderLimits_OverProxyLimit_AnswerOpenAiErrorAndCloseTheConnection(string overLimit, HttpStatusCode expectedStatus, string expectedCode)
    {
        // The proxy's limits are Kestrel's defaults (32 KiB of headers, 100 headers, 8 KiB request line); Kestrel, whose own answer
        // has an empty body (aspnet/KestrelHttpServer#2947), only enforces 4 times as much.
        await using var factory = new ProxyFactory();
        using var client = factory.CreateClient();
        using var request = Chat(path: overLimit == "request-line" ? "/v1/chat/completions?padding=" + new string('a', 10 * 1024) : "/v1/chat/completions");
        if (overLimit == "header-size")
        {
            request.Headers.Add("x-padding", new string('a', 40 * 1024));
        }
        else if (overLimit == "header-count")
        {
            for (var i = 0; i < 101; i++)
            {
                request.Headers.Add($"x-header-{i}", "a");
            }
        }

        var (status, body, response) = await SendAsync(client, request);

        Assert.Equal(expectedStatus, status);
        AssertError(body, expectedCode, expectedType: "invalid_request_error");
        Assert.True(response.Headers.ConnectionClose);
        Assert.Equal(0, factory.Client.Calls);
    }

    [Fact]
    public async Task HeaderLimits_JustUnderProxyLimit_AreServed()
    {
        await using var factory = new ProxyFactory();
        using var client = factory.CreateClient();
        using var request = Chat();
        request.Headers.Add("x-padding", new string('a', 30 * 1024));
        for (var i = 0; i < 90; i++)
        {
            request.Headers.Add($"x-header-{i}", "a");
        }

        var (status, _, _) = await SendAsync(client, request);

        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task HeaderLimits_OverKestrelBackstop_GetKestrelsEmptyAnswerBeforeTheProxySeesTheRequest()
    {
        // Evidence for the README: headers over 4 times the proxy's limit (128 KiB) are refused by Kestrel itself, before any
        // middleware runs, with an empty body.
        await using var factory = new ProxyFactory();
        using var client = factory.CreateClient();
        using var request = Chat();
        request.Headers.Add("x-padding", new string('a', 130 * 1024));

        var response = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal(0, factory.Client.Calls);
    }

    [Fact]
    public async Task MalformedHttp_IsAnsweredByKestrelWithAnEmpty400BeforeTheProxySeesTheRequest()
    {
        // Evidence for the README: a header line without a colon is not HTTP; Kestrel refuses it before any of the proxy's code runs.
        await using var factory = new ProxyFactory();
        using var client = factory.CreateClient();
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(client.BaseAddress!.Host, client.BaseAddress.Port, Ct);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes("GET /health HTTP/1.1\r\nHost: localhost\r\nnot a header line\r\n\r\n"), Ct);

        using var reader = new StreamReader(stream, Encoding.ASCII);
        var answer = await reader.ReadToEndAsync(Ct);

        Assert.StartsWith("HTTP/1.1 400 Bad Request\r\n", answer, StringComparison.Ordinal);
        Assert.Contains("Content-Length: 0\r\n", answer, StringComparison.OrdinalIgnoreCase);
        Assert.EndsWith("\r\n\r\n", answer, StringComparison.Ordinal);
        Assert.DoesNotContain("x-request-id", answer, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ApiKey_WithAllowedHostAndOrigin_StillRequired()
    {
        await using var factory = new ProxyFactory(new() { ["ClaudeProxy:ApiKey"] = ProxyFactory.ApiKey, ["ClaudeProxy:AllowedOrigins:0"] = "https://app.example" });
        using var client = factory.CreateClient();
        using var request = Chat();
        request.Headers.Add("Origin", "https://app.example");

        var (status, body, _) = await SendAsync(client, request);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        AssertError(body, "missing_api_key");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ProxyFactory.ApiKey);
        using var keyed = Chat();
        keyed.Headers.Add("Origin", "https://app.example");
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(client, keyed)).Status);
    }
}
