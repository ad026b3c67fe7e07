using System.Net;
using System.Text;
using static LlmConnectors.IntegrationTests.ClaudeProxy.ProxyTestHelpers;

namespace LlmConnectors.IntegrationTests.ClaudeProxy;

public class AbuseTests
{
    [Theory]
    [InlineData("{\"model\":\"sonnet\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}", "invalid_json", null)]
    [InlineData("{\"model\":\"sonnet\",\"messages\":[{\"role\":\"user\",\"conte", "invalid_json", null)]
    [InlineData("this is not json", "invalid_json", null)]
    [InlineData("{\"model\":\"sonnet\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}}", "invalid_json", null)]
    [InlineData("{\"model\":\"sonnet\"}", "missing_required_parameter", "messages")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", "missing_required_parameter", "model")]
    [InlineData("{\"model\":\"sonnet\",\"messages\":[]}", "empty_array", "messages")]
    [InlineData("{\"model\":\"sonnet\",\"messages\":\"Hi\"}", null, "messages")]
    [InlineData("{\"model\":42,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", null, "model")]
    [InlineData("{\"model\":\"sonnet\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"max_tokens\":\"many\"}", null, "max_tokens")]
    [InlineData("{\"model\":\"sonnet\",\"messages\":[{\"role\":\"user\",\"content\":42}]}", null, "messages[0].content")]
    [InlineData("{\"model\":\"sonnet\",\"messages\":[{\"role\":\"wizard\",\"content\":\"Hi\"}]}", "invalid_value", "messages[0].role")]
    [InlineData("{\"model\":\"sonnet\",\"messages\":[{\"content\":\"Hi\"}]}", "missing_required_parameter", "messages[0].role")]
    [InlineData("{\"model\":\"sonnet\",\"messages\":[{\"role\":\"function\",\"content\":\"42\",\"name\":\"f\"}]}", "unsupported_role", "messages[0].role")]
    [InlineData("{\"model\":\"sonnet\",\"messages\":[{\"role\":\"user\"}]}", "missing_required_parameter", "messages[0].content")]
    [InlineData("{\"model\":\"sonnet\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"max_tokens\":0}", "invalid_value", "max_tokens")]
    [InlineData("{\"model\":\"sonnet\",\"messages\":[{\"role\":\"user\",\"content\":\"\"}]}", "invalid_value", "messages[0].content")]
    [InlineData("{\"model\":\"sonnet\",\"messages\":[{\"role\":\"user\",\"content\":\" \\n \"}]}", "invalid_value", "messages[0].content")]
    [InlineData("{\"model\":\"sonnet\",\"messages\":[{\"role\":\"system\",\"content\":\"\"},{\"role\":\"user\",\"content\":\"Hi\"}]}", "invalid_value", "messages[0].content")]
    [InlineData("{\"model\":\"sonnet\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"},{\"role\":\"assistant\",\"content\":\"\"},{\"role\":\"user\",\"content\":\"Hi\"}]}", "invalid_value", "messages[1].content")]
    [InlineData("{\"model\":\"sonnet\",\"messages\":[{\"role\":\"user\",\"content\":[]}]}", "missing_required_parameter", "messages[0].content")]
    [InlineData("{\"model\":\"sonnet\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"\"}]}]}", "invalid_value", "messages[0].content[0].text")]
    [InlineData("{\"model\":\"sonnet\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"file\",\"file\":{\"filename\":\"a.txt\",\"file_data\":\"data:text/plain;base64,aGVsbG8=\"}}]}]}", "unsupported_content", "messages[0].content[0].file.file_data")]
    [InlineData("{\"model\":\"sonnet\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Summarize\"},{\"type\":\"file\",\"file\":{\"file_data\":\"data:application/zip;base64,UEsDBA==\"}}]}]}", "unsupported_content", "messages[0].content[1].file.file_data")]
    [InlineData("{\"model\":\"sonnet\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Hi\"},{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/bmp;base64,Qk0=\"}}]}]}", "invalid_value", "messages[0].content[1].image_url.url")]
    [InlineData("[1,2,3]", null, null)]
    [InlineData("", null, null)]
    public async Task ChatCompletions_BadBody_Returns400WithOpenAIError(string json, string? code, string? param)
    {
        await using var factory = new ProxyFactory();
        using var client = factory.CreateClient();

        var (status, body, _) = await PostJsonAsync(client, json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        AssertError(body, code, param, "invalid_request_error");
        Assert.Equal(0, factory.Client.Calls);
    }

    [Fact]
    public async Task ChatCompletions_PdfFileBesideText_IsPassedOn()
    {
        await using var factory = new ProxyFactory();
        using var client = factory.CreateClient();

        var (status, _, _) = await PostJsonAsync(client, """{"model":"sonnet","messages":[{"role":"user","content":[{"type":"text","text":"Summarize"},{"type":"file","file":{"filename":"a.pdf","file_data":"data:application/pdf;base64,JVBERi0xLjcK"}}]}]}""");

        Assert.Equal(HttpStatusCode.OK, status);
        var contents = Assert.Single(factory.Client.LastMessages!).Contents;
        Assert.Equal("application/pdf", Assert.IsType<Microsoft.Extensions.AI.DataContent>(contents[1]).MediaType);
    }

    [Fact]
    public async Task ChatCompletions_HugeOrMultilineModelAndUser_AreNeitherEchoedWholeNorLoggedRaw()
    {
        await using var factory = new ProxyFactory();
        using var client = factory.CreateClient();
        var hugeModel = "m" + new string('x', 3 * 1024 * 1024);
        const string ForgedLine = "\\ninfo: LlmConnectors.ClaudeProxy[1]\\n      Chat request forged";

        var (hugeStatus, hugeBody, _) = await PostJsonAsync(client, $$"""{"model":"{{hugeModel}}","messages":[{"role":"user","content":"Hi"}]}""");
        var (newlineStatus, newlineBody, _) = await PostJsonAsync(client, $$"""{"model":"nope{{ForgedLine}}","messages":[{"role":"user","content":"Hi"}]}""");
        var (userStatus, _, _) = await PostJsonAsync(client, $$"""{"model":"sonnet","user":"alice{{ForgedLine}}","messages":[{"role":"user","content":"Hi"}]}""");

        Assert.Equal(HttpStatusCode.NotFound, hugeStatus);
        AssertError(hugeBody, "model_not_found", "model");
        Assert.True(hugeBody.GetRawText().Length < 2048, $"The 404 body is {hugeBody.GetRawText().Length} characters long.");
        Assert.Equal(HttpStatusCode.NotFound, newlineStatus);
        Assert.DoesNotContain("\n", newlineBody.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, userStatus);
        // The request's log line is written once the answer is sent.
        for (var i = 0; i < 200 && !factory.Logs.Entries.Any(e => e.Message.Contains("alice", StringComparison.Ordinal)); i++)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        var logged = factory.Logs.Entries.Where(e => e.Category.StartsWith("LlmConnectors", StringComparison.Ordinal)).ToList();
        Assert.Contains(logged, e => e.Message.Contains("alice", StringComparison.Ordinal));
        Assert.All(logged, e => Assert.DoesNotContain('\n', e.Message));
        Assert.All(logged, e => Assert.True(e.Message.Length < 4096, $"A log line is {e.Message.Length} characters long."));
    }

    [Fact]
    public async Task ChatCompletions_InvalidUtf8_Returns400()
    {
        await using var factory = new ProxyFactory();
        using var client = factory.CreateClient();
        var bytes = Encoding.UTF8.GetBytes("{\"model\":\"sonnet\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi X\"}]}");
        bytes[Array.IndexOf(bytes, (byte)'X')] = 0xC3; // a lead byte with no continuation

        var (status, body, _) = await PostBytesAsync(client, bytes);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        AssertError(body, "invalid_encoding");
    }

    [Fact]
    public async Task ChatCompletions_TenMegabyteBody_Returns413WithJsonBody()
    {
        await using var factory = new ProxyFactory();
        using var client = factory.CreateClient();
        var big = "{\"model\":\"sonnet\",\"messages\":[{\"role\":\"user\",\"content\":\"" + new string('a', 10 * 1024 * 1024) + "\"}]}";

        var (status, body, _) = await PostJsonAsync(client, big);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        AssertError(body, "request_too_large");
        Assert.Equal(0, factory.Client.Calls);
    }

    [Fact]
    public async Task ChatCompletions_ChunkedBodyOverLimit_Returns413WithJsonBody()
    {
        await using var factory = new ProxyFactory(new() { ["ClaudeProxy:MaxRequestBodyBytes"] = "2048" });
        using var client = factory.CreateClient();
        var big = Encoding.UTF8.GetBytes("{\"model\":\"sonnet\",\"messages\":[{\"role\":\"user\",\"content\":\"" + new string('a', 4096) + "\"}]}");
        using var content = new StreamContent(new MemoryStream(big)); // no Content-Length: the limit is found while reading
        content.Headers.ContentType = new("application/json");

        var response = await client.PostAsync("/v1/chat/completions", content, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("request_too_large", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChatCompletions_OneThousandMessages_AreServed()
    {
        await using var factory = new ProxyFactory();
        using var client = factory.CreateClient();
        var messages = string.Join(",", Enumerable.Range(0, 1000).Select(i => $"{{\"role\":\"{(i % 2 == 1 ? "user" : "assistant")}\",\"content\":\"m{i}\"}}"));

        var (status, _, _) = await PostJsonAsync(client, $"{{\"model\":\"sonnet\",\"messages\":[{messages}]}}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1000, factory.Client.LastMessages!.Count);
    }

    [Fact]
    public async Task ChatCompletions_MoreMessagesThanAllowed_Returns400()
    {
        await using var factory = new ProxyFactory();
        using var client = factory.CreateClient();
        var messages = string.Join(",", Enumerable.Range(0, 1001).Select(i => "{\"role\":\"user\",\"content\":\"m\"}"));

        var (status, body, _) = await PostJsonAsync(client, $"{{\"model\":\"sonnet\",\"messages\":[{messages}]}}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        AssertError(body, "too_many_messages", "messages");
    }

    [Fact]
    public async Task ChatCompletions_NotJsonContentType_Returns415()
    {
        await using var factory = new ProxyFactory();
        using var client = factory.CreateClient();
        using var content = new StringContent(SimpleRequest, Encoding.UTF8, "text/plain");

        var response = await client.PostAsync("/v1/chat/completions", content, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Contains("\"error\"", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET", "/v1/chat/completions", HttpStatusCode.MethodNotAllowed, "method_not_allowed")]
    [InlineData("POST", "/v1/completions", HttpStatusCode.NotFound, "unknown_url")]
    [InlineData("GET", "/nothing", HttpStatusCode.NotFound, "unknown_url")]
    public async Task UnknownRouteOrMethod_ReturnsOpenAIError(string method, string path, HttpStatusCode expected, string code)
    {
        await using var factory = new ProxyFactory();
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);

        var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(expected, response.StatusCode);
        var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        AssertError(body, code);
    }
}
