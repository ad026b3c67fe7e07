using System.Text.Json;
using LlmConnectors.TestServers.Google;
using LlmConnectors.TestServers.OpenRouter;
using Microsoft.Extensions.AI;

namespace LlmConnectors.IntegrationTests.Google;

/// <summary>The <c>gemini</c> leaf against a scripted server speaking Google's OpenAI-compatible dialect (thought signatures, array errors).</summary>
public sealed class GeminiConnectorChatClientTests : IAsyncLifetime
{
    private OpenRouterTestServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await OpenRouterTestServer.StartAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private GeminiConnectorChatClient CreateClient() => new(new GeminiConnectorOptions
    {
        ApiKey = "gemini-test-key",
        Endpoint = new Uri(_server.BaseAddress, "v1beta/openai/"),
        Retry = new TransportRetryOptions { Enabled = false },
    });

    [Fact]
    public async Task GetResponseAsync_ImageJsonSchemaAndReasoning_ReachTheWireAsGoogleReadsThem()
    {
        using var client = CreateClient();
        var message = new ChatMessage(ChatRole.User, [new TextContent("Describe"), new DataContent(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, "image/png")]);
        using var schema = JsonDocument.Parse("""{"type":"object","properties":{"answer":{"type":"string"}},"required":["answer"]}""");
        var options = new ChatOptions
        {
            ResponseFormat = ChatResponseFormat.ForJsonSchema(schema.RootElement.Clone(), "answer"),
            Reasoning = new ReasoningOptions { Effort = ReasoningEffort.ExtraHigh },
        };

        var response = await client.GetResponseAsync([message], options, TestContext.Current.CancellationToken);

        var request = Assert.Single(_server.ChatRequests);
        var body = request.Json();
        Assert.Equal("/v1beta/openai/chat/completions", request.Path);
        Assert.Equal("Bearer gemini-test-key", request.Header("Authorization"));
        Assert.Equal("gemini-2.5-flash", body.GetProperty("model").GetString());
        Assert.Equal("high", body.GetProperty("reasoning_effort").GetString());
        Assert.Equal("json_schema", body.GetProperty("response_format").GetProperty("type").GetString());
        var image = body.GetProperty("messages")[0].GetProperty("content")[1];
        Assert.Equal("image_url", image.GetProperty("type").GetString());
        Assert.StartsWith("data:image/png;base64,", image.GetProperty("image_url").GetProperty("url").GetString(), StringComparison.Ordinal);
        Assert.Equal("gemini", client.GetService<ChatClientMetadata>()?.ProviderName);
        Assert.NotNull(response.Text);
    }

    [Fact]
    public async Task FunctionInvocation_ThoughtSignature_IsSentBackOnTheToolCall()
    {
        using var leaf = CreateClient();
        using var client = leaf.AsBuilder().UseFunctionInvocation().Build();
        _server.Enqueue(GeminiScripts.ToolCallWithSignature(), GeminiScripts.Completion("Sunny in Paris."));
        var options = new ChatOptions { Tools = [AIFunctionFactory.Create((string city) => $"sunny in {city}", "get_weather")] };

        var response = await client.GetResponseAsync("Weather in Paris?", options, TestContext.Current.CancellationToken);

        Assert.Equal("Sunny in Paris.", response.Text);
        AssertSignatureSentBack(_server.ChatRequests[1]);
    }

    [Fact]
    public async Task FunctionInvocation_StreamedThoughtSignature_IsSentBackOnTheToolCall()
    {
        using var leaf = CreateClient();
        using var client = leaf.AsBuilder().UseFunctionInvocation().Build();
        _server.Enqueue(GeminiScripts.StreamToolCallWithSignature(), GeminiScripts.StreamText("Sun", "ny."));
        var options = new ChatOptions { Tools = [AIFunctionFactory.Create((string city) => $"sunny in {city}", "get_weather")] };

        var text = new List<string>();
        await foreach (var update in client.GetStreamingResponseAsync("Weather in Paris?", options, TestContext.Current.CancellationToken))
        {
            text.Add(update.Text);
        }

        Assert.Equal("Sunny.", string.Concat(text));
        AssertSignatureSentBack(_server.ChatRequests[1]);
    }

    [Fact]
    public async Task GetResponseAsync_GoogleArrayError_MapsToLlmErrorKindWithGooglesMessage()
    {
        using var client = CreateClient();
        _server.Enqueue(GeminiScripts.Error(429, "RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota)."));
        _server.Enqueue(GeminiScripts.Error(400, "INVALID_ARGUMENT", "Function call is missing a thought_signature."));

        var rateLimited = await Assert.ThrowsAsync<LlmConnectorException>(() => client.GetResponseAsync("Hi", cancellationToken: TestContext.Current.CancellationToken));
        var invalid = await Assert.ThrowsAsync<LlmConnectorException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync("Hi", cancellationToken: TestContext.Current.CancellationToken))
            {
                _ = update;
            }
        });

        Assert.Equal(LlmErrorKind.RateLimited, rateLimited.Kind);
        Assert.Equal("gemini", rateLimited.Provider);
        Assert.Contains("Resource has been exhausted", rateLimited.Message, StringComparison.Ordinal);
        Assert.Equal(LlmErrorKind.InvalidRequest, invalid.Kind);
        Assert.Contains("thought_signature", invalid.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetService_ModelCapabilities_DescribeGeminiModels()
    {
        using var client = CreateClient();
        var provider = client.GetService<IModelCapabilityProvider>()!;

        var gemini = await provider.GetModelCapabilitiesAsync(null, TestContext.Current.CancellationToken);
        var other = await provider.GetModelCapabilitiesAsync("text-embedding-004", TestContext.Current.CancellationToken);

        Assert.True(gemini!.SupportsImages && gemini.SupportsJsonSchema && gemini.SupportsTools);
        Assert.Null(other);
    }

    internal static void AssertSignatureSentBack(RecordedRequest request)
    {
        var assistant = request.Json().GetProperty("messages").EnumerateArray().Single(m => m.GetProperty("role").GetString() == "assistant");
        var call = assistant.GetProperty("tool_calls")[0];
        Assert.Equal("call_g1", call.GetProperty("id").GetString());
        Assert.Equal(GeminiScripts.ThoughtSignature, call.GetProperty("extra_content").GetProperty("google").GetProperty("thought_signature").GetString());
        var tool = request.Json().GetProperty("messages").EnumerateArray().Single(m => m.GetProperty("role").GetString() == "tool");
        Assert.Equal("call_g1", tool.GetProperty("tool_call_id").GetString());
    }
}
