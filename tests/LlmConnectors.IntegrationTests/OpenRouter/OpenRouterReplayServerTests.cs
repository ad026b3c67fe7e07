using System.Text.Json;
using LlmConnectors.TestServers.OpenRouter;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LlmConnectors.IntegrationTests.OpenRouter;

/// <summary>The real client against a real Kestrel server on loopback replaying OpenRouter-shaped responses; assertions on the bytes received.</summary>
public sealed class OpenRouterReplayServerTests : IAsyncLifetime
{
    private OpenRouterTestServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await OpenRouterTestServer.StartAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private OpenRouterChatClient CreateClient(Action<OpenRouterClientOptions>? configure = null)
    {
        var options = new OpenRouterClientOptions
        {
            ApiKey = "sk-or-integration",
            ModelId = "openai/gpt-4o-mini",
            Endpoint = _server.Endpoint,
            Retry = new TransportRetryOptions { Enabled = false },
        };
        configure?.Invoke(options);
        return new OpenRouterChatClient(options);
    }

    private static async Task<(string Text, List<ChatResponseUpdate> Updates, Exception? Error)> StreamAsync(IChatClient client, IEnumerable<ChatMessage> messages, ChatOptions? options = null)
    {
        var updates = new List<ChatResponseUpdate>();
        try
        {
            await foreach (var update in client.GetStreamingResponseAsync(messages, options, TestContext.Current.CancellationToken))
            {
                updates.Add(update);
            }
        }
        catch (LlmConnectorException ex)
        {
            return (string.Concat(updates.Select(u => u.Text)), updates, ex);
        }

        return (string.Concat(updates.Select(u => u.Text)), updates, null);
    }

    [Fact]
    public async Task Stream_WithProcessingComments_YieldsTextAndUsage()
    {
        _server.Enqueue(OpenRouterScripts.StreamText("Hel", "lo", ", world"));
        using var client = CreateClient(o =>
        {
            o.AppUrl = "https://app.example.com";
            o.AppTitle = "Integration";
        });

        var (text, updates, error) = await StreamAsync(client, [new ChatMessage(ChatRole.User, "hi")]);

        Assert.Null(error);
        Assert.Equal("Hello, world", text);
        var response = updates.ToChatResponse();
        Assert.Equal(OpenRouterScripts.GenerationId, response.ResponseId);
        Assert.Equal(42, response.Usage!.InputTokenCount);
        Assert.Equal(32, response.Usage.CachedInputTokenCount);
        Assert.Equal(0.0000123m, updates.Last().AdditionalProperties!["cost"]);
        var request = Assert.Single(_server.ChatRequests);
        Assert.Equal("/api/v1/chat/completions", request.Path);
        Assert.Equal("Bearer sk-or-integration", request.Header("Authorization"));
        Assert.Equal("https://app.example.com", request.Header("HTTP-Referer"));
        Assert.Equal("Integration", request.Header("X-OpenRouter-Title"));
        Assert.StartsWith("application/json", request.Header("Content-Type"), StringComparison.Ordinal);
        Assert.Equal(
            """{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"stream":true,"stream_options":{"include_usage":true}}""",
            request.Body);
    }

    [Fact]
    public async Task Stream_ToolCallFragments_AssembledIntoTwoCalls()
    {
        _server.Enqueue(OpenRouterScripts.StreamToolCallFragments());
        using var client = CreateClient();
        var options = new ChatOptions { Tools = [AIFunctionFactory.Create((string city) => "sunny", "get_weather")], ToolMode = ChatToolMode.Auto };

        var (_, updates, error) = await StreamAsync(client, [new ChatMessage(ChatRole.User, "weather and time?")], options);

        Assert.Null(error);
        var calls = updates.SelectMany(u => u.Contents).OfType<FunctionCallContent>().ToList();
        Assert.Equal(["call_1", "call_2"], calls.Select(c => c.CallId));
        Assert.Equal("Paris", calls[0].Arguments!["city"]?.ToString());
        Assert.Equal("CET", calls[1].Arguments!["zone"]?.ToString());
        var body = _server.ChatRequests[0].Json();
        Assert.Equal("auto", body.GetProperty("tool_choice").GetString());
        Assert.Equal("get_weather", body.GetProperty("tools")[0].GetProperty("function").GetProperty("name").GetString());
    }

    [Fact]
    public async Task Stream_MidStreamError_ThrowsAfterTheTextAlreadyYielded()
    {
        _server.Enqueue(OpenRouterScripts.MidStreamError());
        using var client = CreateClient();

        var (text, _, error) = await StreamAsync(client, [new ChatMessage(ChatRole.User, "hi")]);

        Assert.Equal("The answer is", text);
        var ex = Assert.IsType<LlmConnectorException>(error);
        Assert.Equal(LlmErrorKind.ServerError, ex.Kind);
        Assert.Contains("Provider disconnected unexpectedly", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stream_ConnectionDropped_ThrowsNetworkErrorAfterTheText()
    {
        var textReceived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.Enqueue(new ScriptedResponse
        {
            ContentType = "text/event-stream",
            BodyParts = [OpenRouterScripts.Data(OpenRouterScripts.Chunk("""{"content":"Half"}"""))],
            AbortAfterBody = true,
            AbortWhen = textReceived.Task,
        });
        using var client = CreateClient();

        var text = string.Empty;
        var ex = await Assert.ThrowsAsync<LlmConnectorException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync("hi", cancellationToken: TestContext.Current.CancellationToken))
            {
                text += update.Text;
                textReceived.TrySetResult();
            }
        });

        Assert.Equal("Half", text);
        Assert.Equal(LlmErrorKind.Network, ex.Kind);
    }

    [Fact]
    public async Task Response_OkWithErrorBody_ThrowsWithTheUpstreamProvider()
    {
        _server.Enqueue(OpenRouterScripts.OkWithError());
        using var client = CreateClient();

        var ex = await Assert.ThrowsAsync<LlmConnectorException>(() => client.GetResponseAsync("hi", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(LlmErrorKind.Unavailable, ex.Kind);
        Assert.Equal("Together", ex.ProviderMetadata!["provider_name"]);
        Assert.Equal("""{"error":"bad gateway"}""", ex.ProviderMetadata["raw"]);
    }

    [Fact]
    public async Task Response_RateLimitedWithRetryAfter_RetriedOnceAfterTheAdvertisedDelay()
    {
        var clock = new RecordingTimeProvider();
        _server.Enqueue(OpenRouterScripts.RateLimited(retryAfterSeconds: 3), OpenRouterScripts.Completion("finally"));
        using var client = CreateClient(o =>
        {
            o.TimeProvider = clock;
            o.Retry = new TransportRetryOptions { MaxRetryAttempts = 3, BaseDelay = TimeSpan.FromMilliseconds(10) };
        });

        var response = await client.GetResponseAsync("hi", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("finally", response.Text);
        Assert.Equal(2, _server.ChatRequests.Count);
        Assert.Equal(_server.ChatRequests[0].Body, _server.ChatRequests[1].Body);
        Assert.Contains(TimeSpan.FromSeconds(3), clock.DueTimes);
    }

    [Fact]
    public async Task Response_PaymentRequired_NotRetried()
    {
        _server.Enqueue(OpenRouterScripts.PaymentRequired(), OpenRouterScripts.Completion("must not be reached"));
        using var client = CreateClient(o => o.Retry = new TransportRetryOptions { MaxRetryAttempts = 3, BaseDelay = TimeSpan.FromMilliseconds(1) });

        var ex = await Assert.ThrowsAsync<LlmConnectorException>(() => client.GetResponseAsync("hi", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(LlmErrorKind.PaymentRequired, ex.Kind);
        Assert.Equal(System.Net.HttpStatusCode.PaymentRequired, ex.StatusCode);
        Assert.Single(_server.ChatRequests);
    }

    [Fact]
    public async Task Response_ModerationForbidden_ContentFilteredWithReasons()
    {
        _server.Enqueue(OpenRouterScripts.Moderation());
        using var client = CreateClient();

        var ex = await Assert.ThrowsAsync<LlmConnectorException>(() => client.GetResponseAsync("hi", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(LlmErrorKind.ContentFiltered, ex.Kind);
        Assert.Equal("""["violence"]""", ex.ProviderMetadata!["reasons"]);
    }

    [Fact]
    public async Task ReasoningDetails_RoundTrip_SentBackByteForByteOnTheToolResultTurn()
    {
        _server.Enqueue(OpenRouterScripts.CompletionWithReasoning());
        using var client = CreateClient(o => o.ModelId = "anthropic/claude-sonnet-4.5");
        List<ChatMessage> history = [new(ChatRole.User, "weather in Paris?")];

        var first = await client.GetResponseAsync(history, cancellationToken: TestContext.Current.CancellationToken);
        history.AddRange(first.Messages);
        var call = first.Messages[0].Contents.OfType<FunctionCallContent>().Single();
        history.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(call.CallId, "sunny, 21 C")]));
        var second = await client.GetResponseAsync(history, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("You said: weather in Paris?", second.Text);
        var sent = _server.ChatRequests[1].Json().GetProperty("messages");
        var assistant = sent[1];
        Assert.Equal("Let me think. The user wants the weather.", assistant.GetProperty("reasoning").GetString());
        using var expected = JsonDocument.Parse(OpenRouterScripts.ReasoningDetailsJson);
        Assert.Equal(expected.RootElement.GetRawText(), assistant.GetProperty("reasoning_details").GetRawText());
        Assert.Contains(expected.RootElement.GetRawText(), _server.ChatRequests[1].Body, StringComparison.Ordinal);
        Assert.Equal("toolu_01", assistant.GetProperty("tool_calls")[0].GetProperty("id").GetString());
        Assert.Equal("tool", sent[2].GetProperty("role").GetString());
        Assert.Equal("toolu_01", sent[2].GetProperty("tool_call_id").GetString());
    }

    [Fact]
    public async Task StreamedReasoning_MergedDetails_SentBackOnTheNextTurn()
    {
        _server.Enqueue(OpenRouterScripts.StreamReasoning());
        using var client = CreateClient();

        var (text, updates, error) = await StreamAsync(client, [new ChatMessage(ChatRole.User, "weather?")]);
        Assert.Null(error);
        Assert.Equal("Sunny.", text);
        List<ChatMessage> history = [new(ChatRole.User, "weather?"), .. updates.ToChatResponse().Messages, new(ChatRole.User, "thanks")];
        await client.GetResponseAsync(history, cancellationToken: TestContext.Current.CancellationToken);

        var assistant = _server.ChatRequests[1].Json().GetProperty("messages")[1];
        Assert.Equal("Let me think. The user wants the weather.", assistant.GetProperty("reasoning").GetString());
        Assert.Equal(
            """[{"type":"reasoning.text","text":"Let me think. The user wants the weather.","format":"anthropic-claude-v1","index":0,"signature":"sig-abc123"}]""",
            assistant.GetProperty("reasoning_details").GetRawText());
    }

    [Fact]
    public async Task TypedExtrasAndPassThrough_ArriveInTheRequestBody()
    {
        using var client = CreateClient();
        var options = new ChatOptions { Temperature = 0.25f, AdditionalProperties = new() { ["transforms"] = new[] { "middle-out" } } }
            .WithOpenRouterModels("anthropic/claude-sonnet-4.5", "openai/gpt-4o")
            .WithOpenRouterProvider(new OpenRouterProviderPreferences { Order = ["anthropic"], AllowFallbacks = false, Zdr = true })
            .WithOpenRouterPlugins(OpenRouterPlugin.Web(maxResults: 2))
            .WithOpenRouterReasoning(new OpenRouterReasoningOptions { Effort = "high", Exclude = true });

        var response = await client.GetResponseAsync("ping", options, TestContext.Current.CancellationToken);

        Assert.Equal("You said: ping", response.Text);
        Assert.Equal(
            """{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"ping"}],"temperature":0.25,"models":["anthropic/claude-sonnet-4.5","openai/gpt-4o"],"provider":{"order":["anthropic"],"allow_fallbacks":false,"zdr":true},"plugins":[{"id":"web","max_results":2}],"reasoning":{"effort":"high","exclude":true},"transforms":["middle-out"]}""",
            _server.ChatRequests[0].Body);
    }

    [Fact]
    public async Task Models_CatalogueAndCapabilities_FromTheServer()
    {
        using var client = CreateClient();

        var models = await client.ListModelsAsync(TestContext.Current.CancellationToken);
        var capabilities = await client.GetService<IModelCapabilityProvider>()!.GetModelCapabilitiesAsync("meta-llama/llama-3.1-8b-instruct", TestContext.Current.CancellationToken);

        Assert.Equal(3, models.Count);
        Assert.Equal(0.000217m, models[0].Pricing.Image);
        Assert.False(capabilities!.SupportsImages);
        Assert.True(capabilities.SupportsJsonObject);
        Assert.False(capabilities.SupportsJsonSchema);
        Assert.True(capabilities.SupportsTools);
        Assert.Equal(131072, capabilities.ContextLength);
        Assert.All(_server.Requests, r => Assert.Equal("/api/v1/models", r.Path));
    }

    [Fact]
    public async Task DependencyInjection_HttpClientFactoryClient_TalksToTheServer()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OpenRouter:ApiKey"] = "sk-or-di",
            ["OpenRouter:ModelId"] = "openai/gpt-4o-mini",
            ["OpenRouter:Endpoint"] = _server.Endpoint.ToString(),
        }).Build();
        var services = new ServiceCollection();
        services.AddOpenRouterChatClient(configuration.GetSection("OpenRouter"));
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredKeyedService<IChatClient>("openrouter");

        var (text, _, error) = await StreamAsync(client, [new ChatMessage(ChatRole.User, "from DI")]);

        Assert.Null(error);
        Assert.Equal("You said: from DI", text);
        Assert.Equal("Bearer sk-or-di", _server.ChatRequests[0].Header("Authorization"));
    }
}
