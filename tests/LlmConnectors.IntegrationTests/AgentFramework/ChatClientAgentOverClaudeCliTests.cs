using LlmConnectors.IntegrationTests.ClaudeCli;
using LlmConnectors.IntegrationTests.Samples;
using LlmConnectors.TestServers.Anthropic;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;

namespace LlmConnectors.IntegrationTests.AgentFramework;

/// <summary>
/// Microsoft Agent Framework 1.28 <see cref="ChatClientAgent"/>s over <see cref="ClaudeCliChatClient"/>: the real, pinned
/// <c>claude</c> CLI against the scripted Anthropic backend, bare, with a function tool, and under a composed pipeline.
/// </summary>
public sealed class ChatClientAgentOverClaudeCliTests(SampleBackends backends) : IClassFixture<SampleBackends>
{
    [Fact]
    public async Task Run_SameSession_SecondTurnCarriesTheFirst()
    {
        using var leaf = new ClaudeCliChatClient(ClaudeCliTestEnvironment.Options(backends.Anthropic));
        var agent = new ChatClientAgent(leaf, instructions: "You are a terse travel guide.", name: "Guide");
        var session = await agent.CreateSessionAsync(TestContext.Current.CancellationToken);

        var first = await agent.RunAsync("Pick a city. af-cli-session-1", session, cancellationToken: TestContext.Current.CancellationToken);
        var second = await agent.RunAsync("And a museum there? af-cli-session-2", session, cancellationToken: TestContext.Current.CancellationToken);

        Assert.EndsWith("You said: Pick a city. af-cli-session-1", first.Text, StringComparison.Ordinal);
        Assert.EndsWith("You said: And a museum there? af-cli-session-2", second.Text, StringComparison.Ordinal);
        var request = backends.Anthropic.Requests.Last(r => r.RawJson.Contains("af-cli-session-2", StringComparison.Ordinal));
        Assert.Contains(request.ConversationMessages, m => m.Role == "user" && m.Text.Contains("af-cli-session-1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_Tool_InstructionsReachTheSystemPromptAndTheToolResultReachesTheModel()
    {
        // A backend of its own, so that the scripted tool call answers this test's first request and nothing else.
        await using var server = await ScriptedAnthropicServer.StartAsync(TestContext.Current.CancellationToken);
        server.Enqueue(
            ScriptedAnthropicReply.ToolUse("Let me look.", ("toolu_af1", "mcp__pack__local_time", """{"city":"Lima"}""")),
            ScriptedAnthropicReply.Text("It is 09:30 ", "in Lima."));
        using var leaf = new ClaudeCliChatClient(ClaudeCliTestEnvironment.Options(server));
        var tool = new LocalTimeTool();
        var agent = new ChatClientAgent(leaf, instructions: "You are a terse travel guide.", tools: [tool.Function]);

        var response = await agent.RunAsync("What time is it in Lima? af-cli-tool", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(1, tool.Calls);
        Assert.Equal("It is 09:30 in Lima.", response.Messages[^1].Text);
        Assert.Equal(2, server.Requests.Count);
        var first = server.Requests[0];
        Assert.Contains("You are a terse travel guide.", string.Join('\n', first.System), StringComparison.Ordinal);
        Assert.True(first.Tools.Contains("mcp__pack__local_time"), $"The model was offered [{string.Join(", ", first.Tools)}].");
        var toolResult = Assert.Single(server.Requests[1].ConversationMessages[^1].Blocks("tool_result"));
        Assert.Equal("toolu_af1", toolResult.GetProperty("tool_use_id").GetString());
        Assert.Contains("09:30 in Lima", toolResult.GetProperty("content").GetRawText(), StringComparison.Ordinal);
        leaf.Dispose();
        await ClaudeCliTestEnvironment.AssertNoProcessSurvivesAsync(leaf);
    }

    [Fact]
    public async Task RunTyped_ThroughTheCli_UsesStructuredOutputAndDeserializes()
    {
        using var leaf = new ClaudeCliChatClient(ClaudeCliTestEnvironment.Options(backends.Anthropic));
        var agent = new ChatClientAgent(leaf, instructions: "You answer with facts.");

        var response = await agent.RunAsync<CityFacts>("Facts about Bergen. af-cli-typed", cancellationToken: TestContext.Current.CancellationToken);

        var request = backends.Anthropic.Requests.Last(r => r.RawJson.Contains("af-cli-typed", StringComparison.Ordinal));
        Assert.True(request.Tools.Contains("StructuredOutput"), $"The CLI did not offer StructuredOutput; the answer was '{response.Text}'. Request: {request.RawJson}");
        Assert.Equal(new CityFacts("sample", "sample", 42), response.Result);
    }

    [Fact]
    public async Task RunStreaming_ThroughTheCli_YieldsTheAnswerInSeveralUpdates()
    {
        using var leaf = new ClaudeCliChatClient(ClaudeCliTestEnvironment.Options(backends.Anthropic));
        var agent = new ChatClientAgent(leaf, instructions: "You are a terse travel guide.");
        var updates = new List<string>();

        await foreach (var update in agent.RunStreamingAsync("Count to three. af-cli-stream", cancellationToken: TestContext.Current.CancellationToken))
        {
            updates.Add(update.Text);
        }

        Assert.True(updates.Count(u => u.Length > 0) > 1, "Expected several updates, got: " + string.Join("|", updates));
        Assert.EndsWith("You said: Count to three. af-cli-stream", string.Concat(updates), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ComposedPipeline_RetryWithValidationUnderTheAgent()
    {
        using var leaf = new ClaudeCliChatClient(ClaudeCliTestEnvironment.Options(backends.Anthropic));
        IChatClient pipeline = new ChatClientBuilder(leaf)
            .Use(inner => new RetryWithValidationChatClient(inner, [ChatResponseValidators.NotEmpty(), ChatResponseValidators.MaxLength(400)]))
            .Build();
        var agent = new ChatClientAgent(pipeline, instructions: "You are a terse travel guide.");

        var response = await agent.RunAsync("Say hello. af-cli-pipeline", cancellationToken: TestContext.Current.CancellationToken);

        Assert.EndsWith("You said: Say hello. af-cli-pipeline", response.Text, StringComparison.Ordinal);
    }
}
