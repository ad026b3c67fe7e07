using LlmConnectors.TestServers.Anthropic;
using Microsoft.Extensions.AI;

namespace LlmConnectors.IntegrationTests.ClaudeCli;

/// <summary>Conversations that continue in the process that holds them, over the real CLI against the scripted backend.</summary>
public sealed class ClaudeCliConversationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A backend that answers each request with "re: " and the text of its last user message.</summary>
    private static async Task<ScriptedAnthropicServer> EchoServerAsync()
    {
        var server = await ScriptedAnthropicServer.StartAsync(Ct);
        server.DefaultReply = request => ScriptedAnthropicReply.Text("re: ", request.ConversationMessages[^1].Text);
        return server;
    }

    private static async Task<ChatResponse> AskAsync(IChatClient client, List<ChatMessage> messages, string text, bool streaming, ChatOptions? options = null)
    {
        messages.Add(new ChatMessage(ChatRole.User, text));
        var response = streaming
            ? await client.GetStreamingResponseAsync(messages, options, Ct).ToChatResponseAsync(Ct)
            : await client.GetResponseAsync(messages, options, Ct);
        messages.AddMessages(response);
        return response;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task FiveTurnConversation_RunsInOneProcessAndTheModelSeesTheWholeContextEveryTurn(bool streaming)
    {
        await using var server = await EchoServerAsync();
        var started = new StartedProcesses();
        var cli = new ClaudeCliChatClient(ClaudeCliTestEnvironment.Options(server), started);
        List<ChatMessage> messages = [new(ChatRole.System, "You keep track of the conversation.")];

        for (var turn = 1; turn <= 5; turn++)
        {
            var response = await AskAsync(cli, messages, $"turn {turn} @/etc/hostname", streaming);
            Assert.Equal($"re: turn {turn} @/etc/hostname", response.Text);
            Assert.Equal(1, cli.ParkedProcessCount);
        }

        var process = Assert.Single(started.Ids);
        Assert.Equal(5, server.Requests.Count);
        for (var turn = 1; turn <= 5; turn++)
        {
            // Every turn the model receives every earlier message and answer, in order, as written (continued messages stay content).
            var received = server.Requests[turn - 1];
            Assert.Contains("You keep track of the conversation.", received.System);
            var expected = Enumerable.Range(1, turn).SelectMany(t => new[] { $"turn {t} @/etc/hostname", $"re: turn {t} @/etc/hostname" }).SkipLast(1);
            Assert.Equal(expected, received.ConversationMessages.Select(m => m.Text));
            Assert.Equal(Enumerable.Range(0, (2 * turn) - 1).Select(i => i % 2 == 0 ? "user" : "assistant"), received.ConversationMessages.Select(m => m.Role));
        }

        Assert.Contains(process, ClaudeCliTestEnvironment.ProcessesWithHome(cli.Options.EnvironmentVariables["HOME"]!));
        cli.Dispose();
        Assert.Equal(0, cli.ParkedProcessCount);
        await ClaudeCliTestEnvironment.AssertNoProcessSurvivesAsync(cli);
    }

    [Theory]
    [InlineData("edited message", false)]
    [InlineData("edited answer", true)]
    [InlineData("system", false)]
    [InlineData("model", true)]
    [InlineData("tools", false)]
    [InlineData("max tokens", true)]
    public async Task DivergingHistory_StartsAFreshProcessThatNeverSeesTheOtherConversation(string change, bool streaming)
    {
        await using var server = await EchoServerAsync();
        var started = new StartedProcesses();
        using var cli = new ClaudeCliChatClient(ClaudeCliTestEnvironment.Options(server), started);
        List<ChatMessage> messages = [new(ChatRole.System, "System A.")];
        _ = await AskAsync(cli, messages, "secret alpha", streaming);
        _ = await AskAsync(cli, messages, "second", streaming);
        Assert.Single(started.Ids);

        var options = new ChatOptions();
        List<ChatMessage> diverged = [.. messages];
        switch (change)
        {
            case "edited message":
                diverged[1] = new ChatMessage(ChatRole.User, "secret beta");
                break;
            case "edited answer":
                diverged[^1] = new ChatMessage(ChatRole.Assistant, "re: second!");
                break;
            case "system":
                diverged[0] = new ChatMessage(ChatRole.System, "System B.");
                break;
            case "model":
                options.ModelId = "claude-test-other";
                break;
            case "tools":
                options.Tools = [AIFunctionFactory.Create(() => "x", "get_time")];
                break;
            default:
                options.MaxOutputTokens = 300;
                break;
        }

        var response = await AskAsync(cli, diverged, "third", streaming, options);

        Assert.Equal("re: third", response.Text);
        Assert.Equal(2, started.Ids.Count);
        var received = server.Requests[^1];
        var texts = received.ConversationMessages.Select(m => m.Text).ToList();
        Assert.Equal(diverged.SkipLast(1).Where(m => m.Role != ChatRole.System).Select(m => m.Text), texts);
        if (change == "edited message")
        {
            // The fresh process was given the edited history only: the first conversation's message did not reach the model.
            Assert.DoesNotContain("secret alpha", texts);
            Assert.Contains("secret beta", texts);
        }

        var system = string.Join('\n', received.System);
        Assert.Contains(change == "system" ? "System B." : "System A.", system, StringComparison.Ordinal);
        Assert.DoesNotContain(change == "system" ? "System A." : "System B.", system, StringComparison.Ordinal);
        Assert.Equal(change == "model" ? "claude-test-other" : "claude-test-default", received.Model);

        // Both conversations can go on, each in its own process.
        Assert.Equal(2, cli.ParkedProcessCount);
        _ = await AskAsync(cli, messages, "fourth", streaming);
        Assert.Equal(2, started.Ids.Count);
        Assert.Equal(["secret alpha", "re: secret alpha", "second", "re: second", "fourth"], server.Requests[^1].ConversationMessages.Select(m => m.Text));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TwoInterleavedConversations_EachContinuesInItsOwnProcessAndTheyStayApart(bool streaming)
    {
        await using var server = await EchoServerAsync();
        var started = new StartedProcesses();
        using var cli = new ClaudeCliChatClient(ClaudeCliTestEnvironment.Options(server), started);
        List<ChatMessage> a = [];
        List<ChatMessage> b = [];

        for (var turn = 1; turn <= 3; turn++)
        {
            _ = await AskAsync(cli, a, $"A{turn}", streaming);
            Assert.Equal(Enumerable.Range(1, turn).SelectMany(t => new[] { $"A{t}", $"re: A{t}" }).SkipLast(1), server.Requests[^1].ConversationMessages.Select(m => m.Text));
            _ = await AskAsync(cli, b, $"B{turn}", streaming);
            Assert.Equal(Enumerable.Range(1, turn).SelectMany(t => new[] { $"B{t}", $"re: B{t}" }).SkipLast(1), server.Requests[^1].ConversationMessages.Select(m => m.Text));
        }

        Assert.Equal(2, started.Ids.Count);
        Assert.Equal(2, cli.ParkedProcessCount);
    }

    [Fact]
    public async Task SameHistorySentTwiceAtOnce_OnlyOneRequestContinuesTheParkedProcess()
    {
        await using var server = await EchoServerAsync();
        var started = new StartedProcesses();
        using var cli = new ClaudeCliChatClient(ClaudeCliTestEnvironment.Options(server), started);
        List<ChatMessage> messages = [];
        _ = await AskAsync(cli, messages, "one", streaming: false);
        messages.Add(new ChatMessage(ChatRole.User, "two"));

        var responses = await Task.WhenAll(cli.GetResponseAsync(messages, cancellationToken: Ct), cli.GetResponseAsync(messages, cancellationToken: Ct));

        Assert.All(responses, r => Assert.Equal("re: two", r.Text));
        Assert.Equal(2, started.Ids.Count);
        Assert.All(server.Requests.Skip(1), r => Assert.Equal(["one", "re: one", "two"], r.ConversationMessages.Select(m => m.Text)));
    }

    [Fact]
    public async Task ParkedProcesses_AreBoundedInNumber_TheOldestIsKilled()
    {
        await using var server = await EchoServerAsync();
        var settings = ClaudeCliTestEnvironment.Options(server);
        settings.MaxParkedProcesses = 2;
        var started = new StartedProcesses();
        using var cli = new ClaudeCliChatClient(settings, started);
        List<ChatMessage> first = [];
        _ = await AskAsync(cli, first, "c1", streaming: false);

        for (var i = 2; i <= 3; i++)
        {
            _ = await cli.GetResponseAsync([new(ChatRole.User, $"c{i}")], cancellationToken: Ct);
        }

        Assert.Equal(3, started.Ids.Count);
        Assert.Equal(2, cli.ParkedProcessCount);

        // The first conversation's process was evicted: its next turn replays in a new process, with its whole history.
        _ = await AskAsync(cli, first, "c1 again", streaming: false);
        Assert.Equal(4, started.Ids.Count);
        Assert.Equal(["c1", "re: c1", "c1 again"], server.Requests[^1].ConversationMessages.Select(m => m.Text));
    }

    [Fact]
    public async Task ParkedProcess_IdleLongerThanTheTimeout_IsKilled()
    {
        await using var server = await EchoServerAsync();
        var settings = ClaudeCliTestEnvironment.Options(server);
        settings.ParkedProcessIdleTimeout = TimeSpan.FromSeconds(1);
        using var cli = new ClaudeCliChatClient(settings);

        _ = await cli.GetResponseAsync([new(ChatRole.User, "hi")], cancellationToken: Ct);
        while (cli.ParkedProcessCount > 0)
        {
            await Task.Delay(100, Ct);
        }

        await ClaudeCliTestEnvironment.AssertNoProcessSurvivesAsync(cli);
    }

    [Fact]
    public async Task MaxParkedProcessesZero_EveryTurnReplaysInANewProcess()
    {
        await using var server = await EchoServerAsync();
        var settings = ClaudeCliTestEnvironment.Options(server);
        settings.MaxParkedProcesses = 0;
        var started = new StartedProcesses();
        using var cli = new ClaudeCliChatClient(settings, started);
        List<ChatMessage> messages = [];

        _ = await AskAsync(cli, messages, "one", streaming: false);
        _ = await AskAsync(cli, messages, "two", streaming: true);

        Assert.Equal(2, started.Ids.Count);
        Assert.Equal(["one", "re: one", "two"], server.Requests[^1].ConversationMessages.Select(m => m.Text));
        await ClaudeCliTestEnvironment.AssertNoProcessSurvivesAsync(cli);
    }

    [Fact]
    public async Task ToolRoundTripThenNextTurn_ContinuesInTheSameProcess()
    {
        await using var server = await ScriptedAnthropicServer.StartAsync(Ct);
        server.Enqueue(
            ScriptedAnthropicReply.ToolUse(string.Empty, ("toolu_t1", "mcp__pack__get_time", "{}")),
            ScriptedAnthropicReply.Text("It is noon."),
            ScriptedAnthropicReply.Text("You are welcome."));
        var started = new StartedProcesses();
        using var cli = new ClaudeCliChatClient(ClaudeCliTestEnvironment.Options(server), started);
        using var client = new FunctionInvokingChatClient(cli);
        var options = new ChatOptions { Tools = [AIFunctionFactory.Create(() => "12:00", "get_time")] };
        List<ChatMessage> messages = [];

        _ = await AskAsync(client, messages, "Time?", streaming: false, options);
        var response = await AskAsync(client, messages, "Thanks", streaming: true, options);

        Assert.Equal("You are welcome.", response.Text);
        Assert.Single(started.Ids);
        var last = server.Requests[^1].ConversationMessages;
        Assert.Equal("toolu_t1", Assert.Single(last.SelectMany(m => m.Blocks("tool_result"))).GetProperty("tool_use_id").GetString());
        Assert.Equal(["It is noon.", "Thanks"], last.TakeLast(2).Select(m => m.Text));
    }
}
