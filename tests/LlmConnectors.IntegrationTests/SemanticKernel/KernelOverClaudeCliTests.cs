using LlmConnectors.IntegrationTests.ClaudeCli;
using LlmConnectors.IntegrationTests.Samples;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace LlmConnectors.IntegrationTests.SemanticKernel;

/// <summary>
/// A Semantic Kernel 1.82 <see cref="Kernel"/> over <see cref="ClaudeCliChatClient"/>: the real, pinned <c>claude</c> CLI
/// against the scripted Anthropic backend. Prompt functions, chat history and streaming (plugins over the CLI come with its
/// function tools).
/// </summary>
public sealed class KernelOverClaudeCliTests(SampleBackends backends) : IClassFixture<SampleBackends>
{
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

    private static Kernel KernelOver(IChatClient leaf)
    {
        var builder = Kernel.CreateBuilder();
        builder.Services.AddChatClient(leaf).UseFunctionInvocation();
        return builder.Build();
    }
}
