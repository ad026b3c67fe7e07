using System.Diagnostics;
using LlmConnectors.TestServers.OpenRouter;
using Microsoft.Extensions.AI;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace LlmConnectors.IntegrationTests.Acceptance;

/// <summary>
/// What a console app referencing the package and Microsoft.Extensions.AI 10.11.0 writes: OpenRouter composed on MEAI's
/// ChatClientBuilder with MEAI's function invocation and OpenTelemetry and the pack's retry, JSON and failover middlewares, running a
/// tool round trip against the scripted OpenRouter server, with the spans caught by OpenTelemetry's in-memory exporter.
/// </summary>
public sealed class MeaiConsoleAppAcceptanceTests : IAsyncLifetime
{
    private const string SourceName = "LlmConnectors.Acceptance";

    private OpenRouterTestServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await OpenRouterTestServer.StartAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task ChatClientBuilder_OpenRouterWithMeaiAndPackMiddlewares_ToolRoundTripAndGenAiSpans()
    {
        var spans = new List<Activity>();
        using var tracing = Sdk.CreateTracerProviderBuilder().AddSource(SourceName).AddInMemoryExporter(spans).Build();

        // The primary model is down (503): the failover middleware moves on to the backup model, served by the same OpenRouter account.
        _server.Enqueue(
            OpenRouterScripts.UnavailableHtml(),
            OpenRouterScripts.CompletionWithReasoning(),
            OpenRouterScripts.UnavailableHtml(),
            OpenRouterScripts.Completion("""{"city":"Paris","weather":"sunny"}"""));
        var weatherCalls = new List<string>();
        var getWeather = AIFunctionFactory.Create(
            (string city) =>
            {
                weatherCalls.Add(city);
                return "sunny";
            },
            "get_weather");

        using var client = Leaf("openai/gpt-4o-mini").AsBuilder()
            .UseFunctionInvocation()
            .UseOpenTelemetry(sourceName: SourceName)
            .UseRetryWithValidation([ChatResponseValidators.NotEmpty()])
            .UseJsonEnforcement()
            .UseFailover(configure: f => f.AddFallback(Leaf("anthropic/claude-sonnet-4.5"), modelId: "anthropic/claude-sonnet-4.5", name: "backup"))
            .Build();

        var response = await client.GetResponseAsync(
            "What is the weather in Paris? Answer as JSON.",
            new ChatOptions { Tools = [getWeather], ResponseFormat = ChatResponseFormat.Json },
            TestContext.Current.CancellationToken);
        tracing.ForceFlush();

        Assert.Equal(["Paris"], weatherCalls);
        Assert.Equal("""{"city":"Paris","weather":"sunny"}""", response.Text);
        Assert.Equal(4, _server.ChatRequests.Count);
        Assert.Equal("anthropic/claude-sonnet-4.5", _server.ChatRequests[1].Json().GetProperty("model").GetString());
        Assert.Equal("tool", _server.ChatRequests[3].Json().GetProperty("messages").EnumerateArray().Last().GetProperty("role").GetString());

        var chats = spans.Where(s => s.DisplayName.StartsWith("chat", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, chats.Count);
        Assert.All(chats, s => Assert.Equal("openrouter", s.GetTagItem("gen_ai.provider.name")));
        Assert.All(chats, s => Assert.Equal("chat", s.GetTagItem("gen_ai.operation.name")));
        Assert.Contains(chats, s => Equals(s.GetTagItem("gen_ai.response.model"), "anthropic/claude-sonnet-4.5"));
        Assert.Contains(spans, s => s.DisplayName == "execute_tool get_weather");
    }

    private OpenRouterChatClient Leaf(string model) => new(new OpenRouterClientOptions
    {
        ApiKey = "sk-or-acceptance",
        ModelId = model,
        Endpoint = _server.Endpoint,
        Retry = new TransportRetryOptions { Enabled = false },
    });
}
