using System.Text.Json;
using Microsoft.Extensions.AI;
using static LlmConnectors.Tests.OpenRouter.OpenRouterTestData;

namespace LlmConnectors.Tests.OpenRouter;

public class OpenRouterChatClientStreamingTests
{
    private static async Task<List<ChatResponseUpdate>> CollectAsync(IAsyncEnumerable<ChatResponseUpdate> updates)
    {
        var list = new List<ChatResponseUpdate>();
        await foreach (var update in updates)
        {
            list.Add(update);
        }

        return list;
    }

    [Fact]
    public async Task GetStreamingResponseAsync_TextWithComments_YieldsTextUsageAndCost()
    {
        var (client, handler) = CreateClient();
        handler.EnqueueSse(Sse(
            ": OPENROUTER PROCESSING",
            Chunk("""{"role":"assistant","content":"Hel"}"""),
            ": OPENROUTER PROCESSING",
            Chunk("""{"role":"assistant","content":"lo"}"""),
            Chunk("""{"role":"assistant","content":""}""", "stop", "STOP"),
            UsageChunk,
            "[DONE]"));

        var updates = await CollectAsync(client.GetStreamingResponseAsync("hi", cancellationToken: TestContext.Current.CancellationToken));
        var response = updates.ToChatResponse();

        Assert.Equal("Hello", response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal("gen-9", response.ResponseId);
        Assert.Equal("google/gemini-3-pro", response.ModelId);
        Assert.Equal(10, response.Usage!.InputTokenCount);
        Assert.Equal(5, response.Usage.OutputTokenCount);
        Assert.Equal(2, response.Usage.CachedInputTokenCount);
        Assert.Equal(1, response.Usage.ReasoningTokenCount);
        Assert.Equal("Google", updates[0].AdditionalProperties!["provider"]);
        Assert.Equal("STOP", updates.Single(u => u.FinishReason is not null).AdditionalProperties!["native_finish_reason"]);
        Assert.Equal(0.5m, updates.Last().AdditionalProperties!["cost"]);
        Assert.All(updates, u => Assert.Equal(ChatRole.Assistant, u.Role));
        var body = handler.Requests[0].Json();
        Assert.True(body.GetProperty("stream").GetBoolean());
        Assert.Equal("text/event-stream", handler.Requests[0].Headers["Accept"]);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ToolCallFragments_AssembledByIndexAtTheEnd()
    {
        var (client, handler) = CreateClient();
        handler.EnqueueSse(Sse(
            Chunk("""{"role":"assistant","tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"get_weather","arguments":""}}]}"""),
            Chunk("""{"tool_calls":[{"index":0,"function":{"arguments":"{\"ci"}}]}"""),
            Chunk("""{"tool_calls":[{"index":1,"id":"call_2","type":"function","function":{"name":"get_time","arguments":"{\"zone\""}}]}"""),
            Chunk("""{"tool_calls":[{"index":0,"function":{"arguments":"ty\":\"Paris\"}"}}]}"""),
            Chunk("""{"tool_calls":[{"index":1,"function":{"arguments":":\"CET\"}"}}]}"""),
            Chunk("""{"content":null}""", "tool_calls"),
            "[DONE]"));

        var updates = await CollectAsync(client.GetStreamingResponseAsync("hi", cancellationToken: TestContext.Current.CancellationToken));

        var calls = updates.SelectMany(u => u.Contents).OfType<FunctionCallContent>().ToList();
        Assert.Equal(2, calls.Count);
        Assert.Equal(("call_1", "get_weather", "Paris"), (calls[0].CallId, calls[0].Name, calls[0].Arguments!["city"]?.ToString()));
        Assert.Equal(("call_2", "get_time", "CET"), (calls[1].CallId, calls[1].Name, calls[1].Arguments!["zone"]?.ToString()));
        var last = updates.Single(u => u.Contents.OfType<FunctionCallContent>().Any());
        Assert.Equal(ChatFinishReason.ToolCalls, last.FinishReason);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_NoFinishChunk_EmitsPendingToolCallsAtTheEnd()
    {
        var (client, handler) = CreateClient();
        handler.EnqueueSse(Sse(Chunk("""{"tool_calls":[{"index":0,"id":"c","function":{"name":"f","arguments":"{}"}}]}""")));

        var updates = await CollectAsync(client.GetStreamingResponseAsync("hi", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Single(updates.SelectMany(u => u.Contents).OfType<FunctionCallContent>());
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ReasoningFragments_MergedAndRoundTripped()
    {
        var (client, handler) = CreateClient();
        handler.EnqueueSse(Sse(
            Chunk("""{"role":"assistant","content":"","reasoning":"Let me ","reasoning_details":[{"type":"reasoning.text","text":"Let me ","format":"f1","index":0}]}"""),
            Chunk("""{"content":"","reasoning":"think.","reasoning_details":[{"type":"reasoning.text","text":"think.","format":"f1","index":0}]}"""),
            Chunk("""{"content":"","reasoning_details":[{"type":"reasoning.text","signature":"sig","format":"f1","index":0},{"type":"reasoning.encrypted","data":"abc","index":1}]}"""),
            Chunk("""{"content":"Sunny."}"""),
            Chunk("""{"content":""}""", "stop"),
            "[DONE]"));
        handler.EnqueueJson(Completion);

        var updates = await CollectAsync(client.GetStreamingResponseAsync("weather?", cancellationToken: TestContext.Current.CancellationToken));
        var response = updates.ToChatResponse();
        Assert.Equal("Sunny.", response.Text);
        var reasoning = response.Messages[0].Contents.OfType<TextReasoningContent>().ToList();
        Assert.Equal("Let me think.", string.Concat(reasoning.Select(r => r.Text)));
        var withDetails = Assert.Single(reasoning, r => r.ProtectedData is not null);
        var details = JsonDocument.Parse(withDetails.ProtectedData!).RootElement;
        Assert.Equal("""{"type":"reasoning.text","text":"Let me think.","format":"f1","index":0,"signature":"sig"}""", details[0].GetRawText());
        Assert.Equal("""{"type":"reasoning.encrypted","data":"abc","index":1}""", details[1].GetRawText());

        List<ChatMessage> history = [new(ChatRole.User, "weather?"), .. response.Messages, new(ChatRole.User, "thanks")];
        await client.GetResponseAsync(history, cancellationToken: TestContext.Current.CancellationToken);

        var assistant = handler.Requests[1].Json().GetProperty("messages")[1];
        Assert.Equal("Let me think.", assistant.GetProperty("reasoning").GetString());
        Assert.Equal(details.GetRawText(), assistant.GetProperty("reasoning_details").GetRawText());
        Assert.Equal("Sunny.", assistant.GetProperty("content").GetString());
    }

    [Fact]
    public async Task GetStreamingResponseAsync_MidStreamErrorChunk_ThrowsAfterTheTextAlreadyYielded()
    {
        var (client, handler) = CreateClient();
        handler.EnqueueSse(Sse(
            Chunk("""{"content":"The answer "}"""),
            Chunk("""{"content":"is"}"""),
            """{"id":"gen-9","object":"chat.completion.chunk","model":"m","error":{"code":"server_error","message":"Provider disconnected"},"choices":[{"index":0,"delta":{"content":""},"finish_reason":"error"}]}""",
            "[DONE]"));

        var texts = new List<string>();
        var ex = await Assert.ThrowsAsync<LlmConnectorException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync("hi", cancellationToken: TestContext.Current.CancellationToken))
            {
                texts.Add(update.Text);
            }
        });

        Assert.Equal("The answer is", string.Concat(texts));
        Assert.Equal(LlmErrorKind.ServerError, ex.Kind);
        Assert.Equal("server_error", ex.ErrorCode);
        Assert.Equal("openrouter", ex.Provider);
        Assert.Contains("Provider disconnected", ex.Message, StringComparison.Ordinal);
        Assert.Contains("middle of the streamed response", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_FinishReasonError_ThrowsWithTheChoiceError()
    {
        var (client, handler) = CreateClient();
        handler.EnqueueSse(Sse(
            Chunk("""{"content":"Partial"}"""),
            """{"id":"gen-9","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":" text"},"finish_reason":"error","error":{"code":502,"message":"Upstream error"}}]}"""));

        var texts = new List<string>();
        var ex = await Assert.ThrowsAsync<LlmConnectorException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync("hi", cancellationToken: TestContext.Current.CancellationToken))
            {
                texts.Add(update.Text);
            }
        });

        Assert.Equal("Partial text", string.Concat(texts));
        Assert.Equal(LlmErrorKind.Unavailable, ex.Kind);
        Assert.Equal(System.Net.HttpStatusCode.BadGateway, ex.StatusCode);
        Assert.True(ex.IsTransient);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_MalformedEvent_ThrowsProtocolError()
    {
        var (client, handler) = CreateClient();
        handler.EnqueueSse(Sse(Chunk("""{"content":"ok"}"""), "{not json"));

        var ex = await Assert.ThrowsAsync<LlmConnectorException>(async () =>
        {
            await foreach (var _ in client.GetStreamingResponseAsync("hi", cancellationToken: TestContext.Current.CancellationToken))
            {
            }
        });

        Assert.Equal(LlmErrorKind.ProtocolError, ex.Kind);
    }
}
