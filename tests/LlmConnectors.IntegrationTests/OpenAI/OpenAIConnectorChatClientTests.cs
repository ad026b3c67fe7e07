using LlmConnectors.TestServers.OpenRouter;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LlmConnectors.IntegrationTests.OpenAIConnector;

/// <summary>The <c>openai</c> leaf (the official OpenAI SDK through Microsoft.Extensions.AI.OpenAI) against a scripted chat completions server on loopback.</summary>
public sealed class OpenAIConnectorChatClientTests : IAsyncLifetime
{
    private OpenRouterTestServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await OpenRouterTestServer.StartAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private OpenAIConnectorChatClient CreateClient(TransportRetryOptions? retry = null) => new(new OpenAIConnectorOptions
    {
        ApiKey = "sk-openai-test",
        Endpoint = _server.Endpoint,
        ModelId = "gpt-4o-mini",
        Retry = retry ?? new TransportRetryOptions { Enabled = false },
    });

    [Fact]
    public async Task GetResponseAsync_ScriptedServer_SendsThroughTheSdkAndReportsOpenAIMetadata()
    {
        using var client = CreateClient();

        var response = await client.GetResponseAsync("Hello from the SDK", cancellationToken: TestContext.Current.CancellationToken);

        var request = Assert.Single(_server.ChatRequests);
        Assert.Equal("You said: Hello from the SDK", response.Text);
        Assert.Equal("Bearer sk-openai-test", request.Header("Authorization"));
        Assert.Equal("/api/v1/chat/completions", request.Path);
        Assert.Equal("gpt-4o-mini", request.Json().GetProperty("model").GetString());
        var metadata = client.GetService<ChatClientMetadata>();
        Assert.Equal("openai", metadata?.ProviderName);
        Assert.Equal("gpt-4o-mini", metadata?.DefaultModelId);
        var capabilities = await client.GetService<IModelCapabilityProvider>()!.GetModelCapabilitiesAsync("gpt-4o", TestContext.Current.CancellationToken);
        Assert.True(capabilities!.SupportsImages);
        Assert.True(capabilities.SupportsJsonSchema);
        Assert.Same(client.Options, client.GetService<OpenAIConnectorOptions>());
    }

    [Fact]
    public async Task GetStreamingResponseAsync_StreamedText_YieldsEveryPiece()
    {
        using var client = CreateClient();
        _server.Enqueue(OpenRouterScripts.StreamText("Hel", "lo"));

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync("Hi", cancellationToken: TestContext.Current.CancellationToken))
        {
            updates.Add(update);
        }

        Assert.Equal("Hello", string.Concat(updates.Select(u => u.Text)));
        Assert.True(Assert.Single(_server.ChatRequests).Json().GetProperty("stream").GetBoolean());
    }

    [Fact]
    public async Task FunctionInvocation_ToolCallThenAnswer_SendsTheResultBack()
    {
        using var leaf = CreateClient();
        using var client = leaf.AsBuilder().UseFunctionInvocation().Build();
        _server.Enqueue(OpenRouterScripts.CompletionWithReasoning(), OpenRouterScripts.Completion("It is sunny in Paris."));
        var options = new ChatOptions { Tools = [AIFunctionFactory.Create((string city) => $"sunny in {city}", "get_weather")] };

        var response = await client.GetResponseAsync("Weather in Paris?", options, TestContext.Current.CancellationToken);

        Assert.Equal("It is sunny in Paris.", response.Text);
        var second = _server.ChatRequests[1].Json().GetProperty("messages");
        var toolMessage = second.EnumerateArray().Single(m => m.GetProperty("role").GetString() == "tool");
        Assert.Equal("toolu_01", toolMessage.GetProperty("tool_call_id").GetString());
        Assert.Contains("sunny in Paris", toolMessage.GetProperty("content").ToString(), StringComparison.Ordinal);
        Assert.Equal("get_weather", _server.ChatRequests[0].Json().GetProperty("tools")[0].GetProperty("function").GetProperty("name").GetString());
    }

    [Fact]
    public async Task FunctionInvocation_StreamedToolCallFragments_AreAssembledAndInvoked()
    {
        using var leaf = CreateClient();
        using var client = leaf.AsBuilder().UseFunctionInvocation().Build();
        _server.Enqueue(OpenRouterScripts.StreamToolCallFragments(), OpenRouterScripts.StreamText("Done."));
        var calls = new List<string>();
        var options = new ChatOptions
        {
            Tools =
            [
                AIFunctionFactory.Create((string city) => { calls.Add(city); return "sunny"; }, "get_weather"),
                AIFunctionFactory.Create((string zone) => { calls.Add(zone); return "12:00"; }, "get_time"),
            ],
        };

        var text = new List<string>();
        await foreach (var update in client.GetStreamingResponseAsync("Weather and time?", options, TestContext.Current.CancellationToken))
        {
            text.Add(update.Text);
        }

        Assert.Equal(["Paris", "CET"], calls);
        Assert.Equal("Done.", string.Concat(text));
    }

    public static TheoryData<string, LlmErrorKind> Errors => new()
    {
        { "rate", LlmErrorKind.RateLimited },
        { "auth", LlmErrorKind.Authentication },
        { "payment", LlmErrorKind.PaymentRequired },
        { "unavailable", LlmErrorKind.Unavailable },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public async Task GetResponseAsync_ErrorStatus_MapsToLlmErrorKind(string script, LlmErrorKind expected)
    {
        using var client = CreateClient();
        _server.Enqueue(script switch
        {
            "rate" => OpenRouterScripts.RateLimited(7),
            "auth" => OpenRouterScripts.Unauthorized(),
            "payment" => OpenRouterScripts.PaymentRequired(),
            _ => OpenRouterScripts.UnavailableHtml(),
        });

        var error = await Assert.ThrowsAsync<LlmConnectorException>(() => client.GetResponseAsync("Hi", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(expected, error.Kind);
        Assert.Equal("openai", error.Provider);
        Assert.Equal("gpt-4o-mini", error.ModelId);
        Assert.DoesNotContain("sk-openai-test", error.Message, StringComparison.Ordinal);
        if (expected == LlmErrorKind.RateLimited)
        {
            Assert.Equal(TimeSpan.FromSeconds(7), error.RetryAfter);
        }

        if (expected == LlmErrorKind.Authentication)
        {
            Assert.Contains("OpenAI:ApiKey", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ErrorStatus_MapsToLlmErrorKind()
    {
        using var client = CreateClient();
        _server.Enqueue(OpenRouterScripts.Unauthorized());

        var error = await Assert.ThrowsAsync<LlmConnectorException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync("Hi", cancellationToken: TestContext.Current.CancellationToken))
            {
                _ = update;
            }
        });

        Assert.Equal(LlmErrorKind.Authentication, error.Kind);
    }

    [Fact]
    public async Task GetResponseAsync_TransientFailure_IsRetriedOnceBySdkPolicyFromRetryOptions()
    {
        using var client = CreateClient(new TransportRetryOptions { MaxRetryAttempts = 1, BaseDelay = TimeSpan.FromMilliseconds(1), UseJitter = false });
        _server.Enqueue(OpenRouterScripts.RateLimited(0), OpenRouterScripts.Completion("after retry"), OpenRouterScripts.RateLimited(0), OpenRouterScripts.RateLimited(0));

        var response = await client.GetResponseAsync("Hi", cancellationToken: TestContext.Current.CancellationToken);
        var error = await Assert.ThrowsAsync<LlmConnectorException>(() => client.GetResponseAsync("Hi", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal("after retry", response.Text);
        Assert.Equal(LlmErrorKind.RateLimited, error.Kind);
        Assert.Equal(4, _server.ChatRequests.Count);
    }

    [Fact]
    public void AddOpenAIConnector_InvalidSetting_FailsAtStartNamingTheSetting()
    {
        var services = new ServiceCollection();
        services.AddOpenAIConnector(options =>
        {
            options.ApiKey = "sk-test";
            options.Timeout = TimeSpan.FromSeconds(-5);
            options.Retry.MaxRetryAttempts = -1;
        });
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(error.Failures, f => f.StartsWith("OpenAI:Timeout", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("OpenAI:Retry:MaxRetryAttempts", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AddOpenAIConnector_KeyedClient_ResolvesWithMiddlewaresFromTheBuilder()
    {
        var services = new ServiceCollection();
        services.AddOpenAIConnector(options =>
        {
            options.ApiKey = "sk-openai-test";
            options.Endpoint = _server.Endpoint;
            options.Retry.Enabled = false;
        }).UseConcurrencyLimit(maxConcurrentRequests: 2);
        await using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredKeyedService<IChatClient>("openai");
        var response = await client.GetResponseAsync("keyed", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("You said: keyed", response.Text);
        Assert.NotNull(client.GetService<ConcurrencyLimitingChatClient>());
        Assert.NotNull(client.GetService<OpenAIConnectorChatClient>());
    }
}
