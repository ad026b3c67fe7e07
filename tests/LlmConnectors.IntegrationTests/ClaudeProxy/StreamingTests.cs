using System.Net;
using System.Text;
using System.Text.Json;
using static LlmConnectors.IntegrationTests.ClaudeProxy.ProxyTestHelpers;

namespace LlmConnectors.IntegrationTests.ClaudeProxy;

public class StreamingTests
{
    [Fact]
    public async Task Streaming_WithIncludeUsage_SendsRoleContentFinishUsageAndDone()
    {
        await using var factory = new ProxyFactory();
        factory.Client.ReplyText = "one two three";
        using var client = factory.CreateClient();

        var (status, _, response) = await PostJsonAsync(client, """{"model":"haiku","messages":[{"role":"user","content":"Hi"}],"stream":true,"stream_options":{"include_usage":true}}""");
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        var data = ReadSseData(text);
        Assert.Equal("[DONE]", data[^1]);
        var chunks = data[..^1].Select(d => JsonDocument.Parse(d).RootElement).ToList();
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString()));
        Assert.Single(chunks.Select(c => c.GetProperty("id").GetString()).Distinct());
        Assert.Equal("assistant", chunks[0].GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());
        var content = string.Concat(chunks.Where(c => c.GetProperty("choices").GetArrayLength() > 0)
            .Select(c => c.GetProperty("choices")[0].GetProperty("delta"))
            .Select(d => d.TryGetProperty("content", out var p) ? p.GetString() : null));
        Assert.Equal("one two three", content);
        Assert.Equal("stop", chunks[^2].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(0, chunks[^1].GetProperty("choices").GetArrayLength());
        Assert.Equal(11, chunks[^1].GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(7, chunks[^1].GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task Streaming_WithoutIncludeUsage_SendsNoUsageChunk()
    {
        await using var factory = new ProxyFactory();
        using var client = factory.CreateClient();

        var (_, _, response) = await PostJsonAsync(client, """{"model":"sonnet","messages":[{"role":"user","content":"Hi"}],"stream":true}""");
        var data = ReadSseData(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        Assert.Equal("[DONE]", data[^1]);
        Assert.All(data[..^1], d => Assert.False(JsonDocument.Parse(d).RootElement.TryGetProperty("usage", out _)));
    }

    [Fact]
    public async Task Streaming_ErrorAfterFirstChunk_EndsWithErrorEventAndNoDone()
    {
        await using var factory = new ProxyFactory();
        factory.Client.ReplyText = "one two";
        factory.Client.ThrowAfterFirst = new ClaudeCliException("CLI crashed at /secret/path", LlmErrorKind.ProcessFailed);
        using var client = factory.CreateClient();

        var (status, _, response) = await PostJsonAsync(client, """{"model":"sonnet","messages":[{"role":"user","content":"Hi"}],"stream":true}""");
        var data = ReadSseData(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.DoesNotContain("[DONE]", data);
        var last = JsonDocument.Parse(data[^1]).RootElement;
        AssertError(last, "upstream_error", expectedType: "api_error");
        Assert.DoesNotContain("/secret", data[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Streaming_ClientDisconnectsMidStream_CancelsTheChatClient()
    {
        await using var factory = new ProxyFactory();
        factory.Client.ReplyText = "one two";
        factory.Client.HangUntilCancelled = true;
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent("""{"model":"sonnet","messages":[{"role":"user","content":"Hi"}],"stream":true}""", Encoding.UTF8, "application/json"),
        };
        using var disconnect = new CancellationTokenSource();

        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        var stream = await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken);
        var buffer = new byte[256];
        _ = await stream.ReadAsync(buffer, TestContext.Current.CancellationToken);
        response.Dispose();

        await factory.Client.Cancelled.WaitAsync(TestContext.Current.CancellationToken);
    }
}
