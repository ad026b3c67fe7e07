using LlmConnectors.IntegrationTests.ClaudeCli;
using LlmConnectors.IntegrationTests.Samples;
using LlmConnectors.TestServers.Anthropic;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace LlmConnectors.IntegrationTests.SemanticKernel;

/// <summary>
/// A Semantic Kernel 1.82 <see cref="Kernel"/> over <see cref="ClaudeCliChatClient"/>: the real, pinned <c>claude</c> CLI
/// against the scripted Anthropic backend. Prompt functions, chat history, streaming, and plugins offered to the model as the
/// CLI's function tools.
/// </summary>
public sealed class KernelOverClaudeCliTests(SampleBackends backends) : IClassFixture<SampleBackends>
{
    // Semantic Kernel names a plugin's function to the model as plugin_function.
    private const string PluginFunction = "Weather_get_temperature";

    [Fact]
    public async Task PromptFunction_Arguments_RenderedAndAnsweredThroughTheCli()
    {
        using var leaf = new ClaudeCliChatClient(ClaudeCliTestEnvironment.Options(backends.Anthropic));
        var kernel = KernelOver(leaf);
        var translate = kernel.CreateFunctionFromPrompt("Translate '{{$word}}' into Norwegian.");

        var result = await translate.InvokeAsync(kernel, new KernelArguments { ["word"] = "bread" }, TestContext.Current.CancellationToken);

        Assert.EndsWith("You said: Translate 'bread' into Norwegian.", result.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains(backends.Anthropic.Requests, r => r.RawJson.Contains("Translate 'bread' into Norwegian.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ChatHistory_SecondTurn_ReachesTheBackendWithTheSystemPromptAndTheFirstTurn()
    {
        using var leaf = new ClaudeCliChatClient(ClaudeCliTestEnvironment.Options(backends.Anthropic));
        var chat = leaf.AsChatCompletionService();
        var history = new ChatHistory("You answer like a pirate.");
        history.AddUserMessage("Name a colour, cli-history-turn-1.");
        var first = await chat.GetChatMessageContentAsync(history, cancellationToken: TestContext.Current.CancellationToken);
        history.Add(first);
        history.AddUserMessage("Name another one, cli-history-turn-2.");

        var second = await chat.GetChatMessageContentAsync(history, cancellationToken: TestContext.Current.CancellationToken);

        Assert.EndsWith("You said: Name a colour, cli-history-turn-1.", first.Content, StringComparison.Ordinal);
        Assert.EndsWith("You said: Name another one, cli-history-turn-2.", second.Content, StringComparison.Ordinal);
        var request = backends.Anthropic.Requests.Last(r => r.RawJson.Contains("cli-history-turn-2", StringComparison.Ordinal));
        Assert.Contains("You answer like a pirate.", string.Join('\n', request.System), StringComparison.Ordinal);
        Assert.Contains(request.ConversationMessages, m => m.Role == "user" && m.Text.Contains("cli-history-turn-1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task InvokePromptStreaming_ThroughTheCli_YieldsTheAnswerInSeveralChunks()
    {
        using var leaf = new ClaudeCliChatClient(ClaudeCliTestEnvironment.Options(backends.Anthropic));
        var kernel = KernelOver(leaf);
        var chunks = new List<string>();

        await foreach (var chunk in kernel.InvokePromptStreamingAsync("Count to three, cli-stream.", cancellationToken: TestContext.Current.CancellationToken))
        {
            chunks.Add(chunk.ToString());
        }

        Assert.True(chunks.Count(c => c.Length > 0) > 1, "Expected several chunks, got: " + string.Join("|", chunks));
        Assert.EndsWith("You said: Count to three, cli-stream.", string.Concat(chunks), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plugin_FunctionChoiceAuto_InvokedEndToEndThroughTheCli()
    {
        // A backend of its own, so that the scripted tool call answers this test's first request and nothing else.
        await using var server = await ScriptedAnthropicServer.StartAsync(TestContext.Current.CancellationToken);
        server.Enqueue(
            ScriptedAnthropicReply.ToolUse(string.Empty, ("toolu_sk1", "mcp__pack__" + PluginFunction, """{"city":"Oslo"}""")),
            ScriptedAnthropicReply.Text("It is 21 degrees ", "in Oslo."));
        using var leaf = new ClaudeCliChatClient(ClaudeCliTestEnvironment.Options(server));
        var builder = Kernel.CreateBuilder();
        builder.Services.AddChatClient(leaf).UseFunctionInvocation();
        var plugin = new WeatherPlugin();
        builder.Plugins.AddFromObject(plugin, "Weather");
        var kernel = builder.Build();
        var settings = new PromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto() };

        var result = await kernel.InvokePromptAsync("What is the temperature in Oslo? cli-plugin", new KernelArguments(settings), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(1, plugin.Calls);
        Assert.Equal("It is 21 degrees in Oslo.", result.GetValue<string>());
        Assert.Equal(2, server.Requests.Count);
        var first = server.Requests[0];
        Assert.True(first.Tools.Contains("mcp__pack__" + PluginFunction), $"The model was offered [{string.Join(", ", first.Tools)}].");
        var definition = first.ToolDefinitions.Single(t => t.GetProperty("name").GetString() == "mcp__pack__" + PluginFunction);
        Assert.Equal("Gets the current temperature in a city.", definition.GetProperty("description").GetString());
        Assert.Contains("cli-plugin", first.ConversationMessages[0].Text, StringComparison.Ordinal);
        var toolResult = Assert.Single(server.Requests[1].ConversationMessages[^1].Blocks("tool_result"));
        Assert.Equal("toolu_sk1", toolResult.GetProperty("tool_use_id").GetString());
        Assert.Contains("21 degrees in Oslo", toolResult.GetProperty("content").GetRawText(), StringComparison.Ordinal);
        leaf.Dispose();
        await ClaudeCliTestEnvironment.AssertNoProcessSurvivesAsync(leaf);
    }

    private static Kernel KernelOver(IChatClient leaf)
    {
        var builder = Kernel.CreateBuilder();
        builder.Services.AddChatClient(leaf).UseFunctionInvocation();
        return builder.Build();
    }
}
