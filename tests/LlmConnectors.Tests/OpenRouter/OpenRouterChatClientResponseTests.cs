using System.Text.Json;
using Microsoft.Extensions.AI;

namespace LlmConnectors.Tests.OpenRouter;

public class OpenRouterChatClientResponseTests
{
    [Fact]
    public async Task GetResponseAsync_Completion_MapsTextModelProviderIdsFinishReasonUsageAndCost()
    {
        var (client, handler) = OpenRouterTestData.CreateClient();
        handler.EnqueueJson(OpenRouterTestData.Completion);

        var response = await client.GetResponseAsync("hi", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("Hello!", response.Text);
        Assert.Equal(ChatRole.Assistant, response.Messages[0].Role);
        Assert.Equal("gen-123", response.ResponseId);
        Assert.Equal("gen-123", response.Messages[0].MessageId);
        Assert.Equal("openai/gpt-4o-mini", response.ModelId);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1700000000), response.CreatedAt);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal("completed", response.AdditionalProperties!["native_finish_reason"]);
        Assert.Equal("OpenAI", response.AdditionalProperties["provider"]);
        Assert.Equal("fp_1", response.AdditionalProperties["system_fingerprint"]);
        Assert.Equal(0.0000123m, response.AdditionalProperties["cost"]);
        Assert.Equal(42, response.Usage!.InputTokenCount);
        Assert.Equal(7, response.Usage.OutputTokenCount);
        Assert.Equal(49, response.Usage.TotalTokenCount);
        Assert.Equal(32, response.Usage.CachedInputTokenCount);
        Assert.Equal(3, response.Usage.ReasoningTokenCount);
        Assert.Equal(4, response.Usage.AdditionalCounts!["cache_write_tokens"]);
        Assert.Equal(1, response.Usage.AdditionalCounts["input_audio_tokens"]);
    }

    [Fact]
    public async Task GetResponseAsync_ReasoningAndToolCalls_SurfaceReasoningDetailsAndParsedArguments()
    {
        var (client, handler) = OpenRouterTestData.CreateClient();
        handler.EnqueueJson(OpenRouterTestData.CompletionWithReasoningAndTools);

        var response = await client.GetResponseAsync("weather?", cancellationToken: TestContext.Current.CancellationToken);

        var contents = response.Messages[0].Contents;
        var reasoning = Assert.IsType<TextReasoningContent>(contents[0]);
        Assert.Equal("Think.", reasoning.Text);
        Assert.Equal(JsonDocument.Parse(OpenRouterTestData.ReasoningDetails).RootElement.GetRawText(), JsonDocument.Parse(reasoning.ProtectedData!).RootElement.GetRawText());
        Assert.IsType<JsonElement>(reasoning.AdditionalProperties!["reasoning_details"]);
        var calls = contents.OfType<FunctionCallContent>().ToList();
        Assert.Equal(2, calls.Count);
        Assert.Equal("toolu_1", calls[0].CallId);
        Assert.Equal("get_weather", calls[0].Name);
        Assert.Equal("Paris", calls[0].Arguments!["city"]?.ToString());
        Assert.Null(calls[0].Exception);
        Assert.NotNull(calls[1].Exception);
        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
        Assert.Equal("tool_use", response.AdditionalProperties!["native_finish_reason"]);
        Assert.Equal("Anthropic", response.AdditionalProperties["provider"]);
        Assert.DoesNotContain(contents, c => c is TextContent);
    }

    [Fact]
    public async Task GetResponseAsync_ReasoningDetails_SentBackUnchangedOnTheNextRequest()
    {
        var (client, handler) = OpenRouterTestData.CreateClient();
        handler.EnqueueJson(OpenRouterTestData.CompletionWithReasoningAndTools).EnqueueJson(OpenRouterTestData.Completion);
        List<ChatMessage> history = [new(ChatRole.User, "weather?")];

        var first = await client.GetResponseAsync(history, cancellationToken: TestContext.Current.CancellationToken);
        history.AddRange(first.Messages);
        history.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent("toolu_1", "sunny"), new FunctionResultContent("toolu_2", "n/a")]));
        await client.GetResponseAsync(history, cancellationToken: TestContext.Current.CancellationToken);

        var assistant = handler.Requests[1].Json().GetProperty("messages")[1];
        Assert.Equal("assistant", assistant.GetProperty("role").GetString());
        Assert.Equal("Think.", assistant.GetProperty("reasoning").GetString());
        Assert.Equal(JsonDocument.Parse(OpenRouterTestData.ReasoningDetails).RootElement.GetRawText(), assistant.GetProperty("reasoning_details").GetRawText());
        Assert.Equal("toolu_1", assistant.GetProperty("tool_calls")[0].GetProperty("id").GetString());
    }

    [Theory]
    [InlineData("stop", "stop")]
    [InlineData("length", "length")]
    [InlineData("tool_calls", "tool_calls")]
    [InlineData("content_filter", "content_filter")]
    [InlineData("custom_reason", "custom_reason")]
    public async Task GetResponseAsync_FinishReason_Mapped(string wire, string expected)
    {
        var (client, handler) = OpenRouterTestData.CreateClient();
        handler.EnqueueJson("{\"id\":\"gen-1\",\"choices\":[{\"index\":0,\"finish_reason\":\"" + wire + "\",\"message\":{\"role\":\"assistant\",\"content\":\"x\"}}]}");

        var response = await client.GetResponseAsync("hi", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(expected, response.FinishReason?.Value);
    }

    [Fact]
    public async Task GetResponseAsync_ContentAsPartsArray_JoinsTextParts()
    {
        var (client, handler) = OpenRouterTestData.CreateClient();
        handler.EnqueueJson("""{"id":"gen-1","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]}}]}""");

        var response = await client.GetResponseAsync("hi", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("ab", response.Text);
    }

    [Fact]
    public async Task GetResponseAsync_Request_SendsBearerKeyAttributionHeadersAndJson()
    {
        var (client, handler) = OpenRouterTestData.CreateClient(o =>
        {
            o.AppUrl = "https://myapp.example.com";
            o.AppTitle = "My App";
        });
        handler.EnqueueJson(OpenRouterTestData.Completion);

        await client.GetResponseAsync("hi", cancellationToken: TestContext.Current.CancellationToken);

        var request = handler.Requests[0];
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("https://openrouter.ai/api/v1/chat/completions", request.Uri.ToString());
        Assert.Equal("Bearer sk-or-test-secret", request.Headers["Authorization"]);
        Assert.Equal("https://myapp.example.com", request.Headers["HTTP-Referer"]);
        Assert.Equal("My App", request.Headers["X-OpenRouter-Title"]);
        Assert.Equal("My App", request.Headers["X-Title"]);
        Assert.Equal("application/json", request.Headers["Accept"]);
    }

    [Fact]
    public async Task GetResponseAsync_EndpointWithTrailingSlash_ResolvesChatCompletions()
    {
        var (client, handler) = OpenRouterTestData.CreateClient(o => o.Endpoint = new Uri("http://localhost:1234/api/v1/"));
        handler.EnqueueJson(OpenRouterTestData.Completion);

        await client.GetResponseAsync("hi", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("http://localhost:1234/api/v1/chat/completions", handler.Requests[0].Uri.ToString());
    }
}
