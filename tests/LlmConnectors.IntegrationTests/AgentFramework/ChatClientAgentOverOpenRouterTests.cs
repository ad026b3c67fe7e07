using System.ComponentModel;
using System.Text.Json.Nodes;
using LlmConnectors.IntegrationTests.Samples;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;

namespace LlmConnectors.IntegrationTests.AgentFramework;

/// <summary>
/// Microsoft Agent Framework 1.28 <see cref="ChatClientAgent"/>s over <see cref="OpenRouterChatClient"/> (the scripted
/// OpenRouter server), bare and under a composed MEAI pipeline of the pack's middlewares.
/// </summary>
public sealed class ChatClientAgentOverOpenRouterTests(SampleBackends backends) : IClassFixture<SampleBackends>
{
    private const string Model = "openai/gpt-4o-mini";
    private const string Instructions = "You are a terse travel guide.";

    [Fact]
    public async Task Run_Instructions_ReachOpenRouterAsTheSystemMessage()
    {
        using var leaf = OpenRouter();
        var agent = new ChatClientAgent(leaf, instructions: Instructions, name: "Guide");

        var response = await agent.RunAsync("Where should I go? af-instructions", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(ScriptedAnswers.Echo(Model, "Where should I go? af-instructions"), response.Text);
        var messages = Messages(LastRequestContaining("af-instructions"));
        Assert.Equal("system", messages[0]!["role"]!.GetValue<string>());
        Assert.Equal(Instructions, messages[0]!["content"]!.GetValue<string>());
    }

    [Fact]
    public async Task Run_Tool_InvokedByTheAgentAndItsResultAnswered()
    {
        using var leaf = OpenRouter();
        var calls = 0;
        [Description("Gets the local time in a city.")]
        string LocalTime([Description("The city")] string city)
        {
            Interlocked.Increment(ref calls);
            return $"09:30 in {city}";
        }

        var agent = new ChatClientAgent(leaf, instructions: Instructions, tools: [AIFunctionFactory.Create(LocalTime, "local_time")]);

        var response = await agent.RunAsync("What time is it in Lima? af-tool", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(1, calls);
        Assert.Equal(ScriptedAnswers.ToolResult(Model, "09:30 in sample"), response.Text);
        var requests = backends.OpenRouter.Requests.Where(r => r.ToJsonString().Contains("af-tool", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, requests.Count);
        Assert.Equal("local_time", requests[0]["tools"]![0]!["function"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Run_SameSession_SendsTheWholeConversationOnTheSecondTurn()
    {
        using var leaf = OpenRouter();
        var agent = new ChatClientAgent(leaf, instructions: Instructions);
        var session = await agent.CreateSessionAsync(TestContext.Current.CancellationToken);

        var first = await agent.RunAsync("Pick a city. af-session-1", session, cancellationToken: TestContext.Current.CancellationToken);
        var second = await agent.RunAsync("And a museum there? af-session-2", session, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(ScriptedAnswers.Echo(Model, "And a museum there? af-session-2"), second.Text);
        var messages = Messages(LastRequestContaining("af-session-2"));
        Assert.Equal(["system", "user", "assistant", "user"], messages.Select(m => m!["role"]!.GetValue<string>()));
        Assert.Equal(first.Text, messages[2]!["content"]!.GetValue<string>());
    }

    [Fact]
    public async Task RunTyped_OverOpenRouter_AsksForTheSchemaAndDeserializes()
    {
        using var leaf = OpenRouter();
        var agent = new ChatClientAgent(leaf, instructions: Instructions);

        var response = await agent.RunAsync<CityFacts>("Facts about Oslo. af-typed", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(new CityFacts("sample", "sample", 42), response.Result);
        Assert.Equal("json_schema", LastRequestContaining("af-typed")["response_format"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task RunStreaming_OverOpenRouter_YieldsTheAnswerInSeveralUpdates()
    {
        using var leaf = OpenRouter();
        var agent = new ChatClientAgent(leaf, instructions: Instructions);
        var updates = new List<string>();

        await foreach (var update in agent.RunStreamingAsync("Count to three. af-stream", cancellationToken: TestContext.Current.CancellationToken))
        {
            updates.Add(update.Text);
        }

        Assert.True(updates.Count(u => u.Length > 0) > 1, "Expected several updates, got: " + string.Join("|", updates));
        Assert.Equal(ScriptedAnswers.Echo(Model, "Count to three. af-stream"), string.Concat(updates));
    }

    [Fact]
    public async Task RunTyped_ComposedPipeline_RetryAndJsonEnforcementUnderTheAgent()
    {
        using var leaf = OpenRouter();
        var validated = 0;
        IChatClient pipeline = new ChatClientBuilder(leaf)
            .Use(inner => new RetryWithValidationChatClient(
                inner,
                [ChatResponseValidators.Predicate(_ => Interlocked.Increment(ref validated) > 0, "never fails")]) { MaxAttempts = 2 })
            .Use(inner => new JsonEnforcingChatClient(inner))
            .Build();
        var agent = new ChatClientAgent(pipeline, instructions: Instructions, name: "Guide");
        var session = await agent.CreateSessionAsync(TestContext.Current.CancellationToken);

        var typed = await agent.RunAsync<CityFacts>("Facts about Lima. af-pipeline", session, cancellationToken: TestContext.Current.CancellationToken);
        var text = await agent.RunAsync("Thanks! af-pipeline-2", session, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(new CityFacts("sample", "sample", 42), typed.Result);
        Assert.Equal(ScriptedAnswers.Echo(Model, "Thanks! af-pipeline-2"), text.Text);
        Assert.Equal(2, validated);
        Assert.Equal(Instructions, Messages(LastRequestContaining("af-pipeline-2"))[0]!["content"]!.GetValue<string>());
    }

    private OpenRouterChatClient OpenRouter() => new(new OpenRouterClientOptions
    {
        ApiKey = SampleOpenRouterServer.ApiKey,
        Endpoint = new Uri(backends.OpenRouter.BaseUrl),
        ModelId = Model,
    });

    private static JsonArray Messages(JsonObject request) => (JsonArray)request["messages"]!;

    private JsonObject LastRequestContaining(string marker) =>
        backends.OpenRouter.Requests.Last(r => r.ToJsonString().Contains(marker, StringComparison.Ordinal));
}
