using System.Text.Json;
using LlmConnectors.TestServers.Anthropic;
using Microsoft.Extensions.AI;

namespace LlmConnectors.IntegrationTests.ClaudeCli;

/// <summary>Function tools over the real CLI's in-process MCP server, against the scripted backend.</summary>
public sealed class ClaudeCliToolTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static AIFunction Weather() => AIFunctionFactory.Create((string city) => $"sunny, 21 C in {city}", "get_weather", "Gets the current weather of a city.");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task FunctionInvokingChatClient_ToolRoundTrip_CallsTheFunctionAndTheModelReceivesItsResult(bool streaming)
    {
        await using var server = await ScriptedAnthropicServer.StartAsync(Ct);
        server.Enqueue(
            ScriptedAnthropicReply.ToolUse(string.Empty, ("toolu_weather1", "mcp__pack__get_weather", """{"city":"Lyon"}""")),
            ScriptedAnthropicReply.Text("It is sunny ", "in Lyon."));
        var started = new StartedProcesses();
        using var cli = new ClaudeCliChatClient(ClaudeCliTestEnvironment.Options(server), started);
        using var client = new FunctionInvokingChatClient(cli);
        var options = new ChatOptions { Tools = [Weather()] };
        List<ChatMessage> messages = [new(ChatRole.System, "You are a weather bot."), new(ChatRole.User, "Weather in Lyon?")];

        var response = streaming
            ? await client.GetStreamingResponseAsync(messages, options, Ct).ToChatResponseAsync(Ct)
            : await client.GetResponseAsync(messages, options, Ct);

        Assert.Equal("It is sunny in Lyon.", response.Messages[^1].Text);
        var call = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal(("toolu_weather1", "get_weather"), (call.CallId, call.Name));
        Assert.Equal("sunny, 21 C in Lyon", Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>()).Result?.ToString());

        Assert.Equal(2, server.Requests.Count);
        var first = server.Requests[0];
        Assert.Contains("mcp__pack__get_weather", first.Tools);
        Assert.All(first.Tools, name => Assert.True(name is "DeferredToolPlaceholder" || name.StartsWith("mcp__pack__", StringComparison.Ordinal), $"The model was offered '{name}'."));
        var definition = first.ToolDefinitions.Single(t => t.GetProperty("name").GetString() == "mcp__pack__get_weather");
        Assert.Equal("Gets the current weather of a city.", definition.GetProperty("description").GetString());
        Assert.True(definition.GetProperty("input_schema").GetProperty("properties").TryGetProperty("city", out _));
        Assert.Contains("You are a weather bot.", first.System);

        var second = server.Requests[1];
        var use = Assert.Single(second.ConversationMessages.Where(m => m.Role == "assistant").SelectMany(m => m.Blocks("tool_use")));
        Assert.Equal("toolu_weather1", use.GetProperty("id").GetString());
        Assert.Equal("Lyon", use.GetProperty("input").GetProperty("city").GetString());
        var result = Assert.Single(second.ConversationMessages[^1].Blocks("tool_result"));
        Assert.Equal("toolu_weather1", result.GetProperty("tool_use_id").GetString());
        Assert.Contains("sunny, 21 C in Lyon", result.GetProperty("content").GetRawText(), StringComparison.Ordinal);

        // The result went to the process that was waiting for it: one process served the whole round trip, and it now waits for the
        // next turn of this conversation until the client is disposed.
        Assert.Single(started.Ids);
        Assert.Equal(1, cli.ParkedProcessCount);
        cli.Dispose();
        await ClaudeCliTestEnvironment.AssertNoProcessSurvivesAsync(cli);
    }

    [Fact]
    public async Task GetResponseAsync_ModelCallsAFunction_EndsTheTurnWithTheCallAndParksTheProcessUntilDisposal()
    {
        await using var server = await ScriptedAnthropicServer.StartAsync(Ct);
        server.Enqueue(ScriptedAnthropicReply.ToolUse("Let me check.", ("toolu_a", "mcp__pack__get_weather", """{"city":"Paris"}""")));
        var started = new StartedProcesses();
        var cli = new ClaudeCliChatClient(ClaudeCliTestEnvironment.Options(server), started);

        var response = await cli.GetResponseAsync([new(ChatRole.User, "Weather in Paris?")], new ChatOptions { Tools = [Weather()] }, Ct);

        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
        Assert.Equal("Let me check.", response.Text);
        var call = Assert.Single(response.Messages[0].Contents.OfType<FunctionCallContent>());
        Assert.Equal(("toolu_a", "get_weather"), (call.CallId, call.Name));
        Assert.Equal("Paris", ((JsonElement)call.Arguments!["city"]!).GetString());
        Assert.Equal(1, cli.ParkedProcessCount);

        cli.Dispose();
        await ClaudeCliTestEnvironment.AssertNoProcessSurvivesAsync(cli);
    }

    [Fact]
    public async Task GetResponseAsync_ResultsWithoutAParkedProcess_ReplaysTheCallAndResultInANewProcess()
    {
        await using var server = await ScriptedAnthropicServer.StartAsync(Ct);
        server.Enqueue(
            ScriptedAnthropicReply.ToolUse(string.Empty, ("toolu_1", "mcp__pack__get_weather", """{"city":"Oslo"}""")),
            ScriptedAnthropicReply.Text("Sunny in Oslo."));
        var settings = ClaudeCliTestEnvironment.Options(server);
        settings.MaxParkedProcesses = 0;
        var started = new StartedProcesses();
        using var cli = new ClaudeCliChatClient(settings, started);
        using var client = new FunctionInvokingChatClient(cli);

        var response = await client.GetResponseAsync([new(ChatRole.User, "Weather in Oslo?")], new ChatOptions { Tools = [Weather()] }, Ct);

        Assert.Equal("Sunny in Oslo.", response.Text);
        Assert.Equal(2, started.Ids.Count);
        var replayed = server.Requests[1].ConversationMessages;
        Assert.Equal("Weather in Oslo?", replayed[0].Text);
        Assert.Equal("toolu_1", Assert.Single(replayed[1].Blocks("tool_use")).GetProperty("id").GetString());
        Assert.Equal("mcp__pack__get_weather", replayed[1].Blocks("tool_use")[0].GetProperty("name").GetString());
        Assert.Equal("toolu_1", Assert.Single(replayed[^1].Blocks("tool_result")).GetProperty("tool_use_id").GetString());
        Assert.Equal(0, cli.ParkedProcessCount);
        await ClaudeCliTestEnvironment.AssertNoProcessSurvivesAsync(cli);
    }

    [Fact]
    public async Task FunctionInvokingChatClient_ParallelCalls_AllResultsReachTheModelInOneMessage()
    {
        await using var server = await ScriptedAnthropicServer.StartAsync(Ct);
        server.Enqueue(
            ScriptedAnthropicReply.ToolUse(
                string.Empty,
                ("toolu_p1", "mcp__pack__get_weather", """{"city":"Rome"}"""),
                ("toolu_p2", "mcp__pack__get_weather", """{"city":"Nice"}""")),
            ScriptedAnthropicReply.Text("Both sunny."));
        var started = new StartedProcesses();
        using var cli = new ClaudeCliChatClient(ClaudeCliTestEnvironment.Options(server), started);
        using var client = new FunctionInvokingChatClient(cli);

        var response = await client.GetResponseAsync([new(ChatRole.User, "Rome and Nice?")], new ChatOptions { Tools = [Weather()] }, Ct);

        Assert.Equal("Both sunny.", response.Messages[^1].Text);
        Assert.Equal(2, response.Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>().Count());
        var results = server.Requests[1].ConversationMessages[^1].Blocks("tool_result");
        Assert.Equal(["toolu_p1", "toolu_p2"], results.Select(r => r.GetProperty("tool_use_id").GetString()).Order());
        Assert.Contains("Nice", results.Single(r => r.GetProperty("tool_use_id").GetString() == "toolu_p2").GetProperty("content").GetRawText(), StringComparison.Ordinal);
        Assert.Single(started.Ids);
    }

    [Fact]
    public async Task GetResponseAsync_ToolModeNone_OffersNoFunction()
    {
        await using var server = await ScriptedAnthropicServer.StartAsync(Ct);
        using var cli = new ClaudeCliChatClient(ClaudeCliTestEnvironment.Options(server));

        var response = await cli.GetResponseAsync([new(ChatRole.User, "Hi")], new ChatOptions { Tools = [Weather()], ToolMode = ChatToolMode.None }, Ct);

        Assert.Equal("Hello world", response.Text);
        Assert.Empty(Assert.Single(server.Requests).Tools);
    }

    [Fact]
    public async Task GetResponseAsync_RequireSpecific_OffersOnlyThatFunctionAndSaysSo()
    {
        await using var server = await ScriptedAnthropicServer.StartAsync(Ct);
        using var cli = new ClaudeCliChatClient(ClaudeCliTestEnvironment.Options(server));
        var other = AIFunctionFactory.Create(() => "x", "get_time");

        _ = await cli.GetResponseAsync([new(ChatRole.User, "Hi")], new ChatOptions { Tools = [Weather(), other], ToolMode = ChatToolMode.RequireSpecific("get_time") }, Ct);

        var request = Assert.Single(server.Requests);
        Assert.Equal(["mcp__pack__get_time"], request.Tools.Where(t => t.StartsWith("mcp__", StringComparison.Ordinal)));
        Assert.Contains(request.System, s => s.Contains("mcp__pack__get_time", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("get weather")]
    [InlineData("../etc")]
    [InlineData("mcp__other__x,Bash")]
    public async Task GetResponseAsync_FunctionNameTheModelCannotUseSafely_IsRejectedBeforeAnyProcessStarts(string name)
    {
        await using var server = await ScriptedAnthropicServer.StartAsync(Ct);
        var started = new StartedProcesses();
        using var cli = new ClaudeCliChatClient(ClaudeCliTestEnvironment.Options(server), started);

        var error = await Assert.ThrowsAsync<ArgumentException>("options", () => cli.GetResponseAsync([new(ChatRole.User, "Hi")], new ChatOptions { Tools = [AIFunctionFactory.Create(() => "x", name)] }, Ct));

        Assert.Contains("Rename the function", error.Message, StringComparison.Ordinal);
        Assert.Empty(started.Ids);
    }
}
