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
