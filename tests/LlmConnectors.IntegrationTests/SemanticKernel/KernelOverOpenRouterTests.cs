using System.Text.Json.Nodes;
using LlmConnectors.IntegrationTests.Samples;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace LlmConnectors.IntegrationTests.SemanticKernel;

/// <summary>
/// A Semantic Kernel 1.82 <see cref="Kernel"/> over <see cref="OpenRouterChatClient"/> (against the scripted OpenRouter server),
/// registered with MEAI's <c>AddChatClient</c> and turned into SK services by SK's own adapters.
/// </summary>
public sealed class KernelOverOpenRouterTests(SampleBackends backends) : IClassFixture<SampleBackends>
{
    private const string Model = "openai/gpt-4o-mini";

    [Fact]
    public async Task PromptFunction_Arguments_RenderedAndAnsweredByOpenRouter()
    {
        using var leaf = OpenRouter();
        var kernel = KernelOver(leaf);
        var translate = kernel.CreateFunctionFromPrompt("Translate '{{$word}}' into French.");

        var result = await translate.InvokeAsync(kernel, new KernelArguments { ["word"] = "cheese" }, TestContext.Current.CancellationToken);

        Assert.Equal(ScriptedAnswers.Echo(Model, "Translate 'cheese' into French."), result.GetValue<string>());
    }

    [Fact]
    public async Task ChatHistory_SecondTurn_SendsSystemAndBothTurnsToOpenRouter()
    {
        using var leaf = OpenRouter();
        var chat = leaf.AsChatCompletionService();
        var history = new ChatHistory("You answer in one sentence.");
        history.AddUserMessage("Name a prime number.");
        var first = await chat.GetChatMessageContentAsync(history, cancellationToken: TestContext.Current.CancellationToken);
        history.Add(first);
        history.AddUserMessage("Name another one, kernel-history-turn-2.");

        var second = await chat.GetChatMessageContentAsync(history, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(ScriptedAnswers.Echo(Model, "Name a prime number."), first.Content);
        Assert.Equal(ScriptedAnswers.Echo(Model, "Name another one, kernel-history-turn-2."), second.Content);
        var request = LastRequestContaining("kernel-history-turn-2");
        var messages = (JsonArray)request["messages"]!;
        Assert.Equal(["system", "user", "assistant", "user"], messages.Select(m => m!["role"]!.GetValue<string>()));
        Assert.Equal("You answer in one sentence.", messages[0]!["content"]!.GetValue<string>());
        Assert.Equal(first.Content, messages[2]!["content"]!.GetValue<string>());
    }

    [Fact]
    public async Task InvokePromptStreaming_OverOpenRouter_YieldsTheAnswerInSeveralChunks()
    {
        using var leaf = OpenRouter();
        var kernel = KernelOver(leaf);
        var chunks = new List<string>();

        await foreach (var chunk in kernel.InvokePromptStreamingAsync("Count to three, kernel-stream.", cancellationToken: TestContext.Current.CancellationToken))
        {
            chunks.Add(chunk.ToString());
        }

        Assert.True(chunks.Count(c => c.Length > 0) > 1, "Expected several chunks, got: " + string.Join("|", chunks));
        Assert.Equal(ScriptedAnswers.Echo(Model, "Count to three, kernel-stream."), string.Concat(chunks));
        Assert.True(LastRequestContaining("kernel-stream")["stream"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Plugin_FunctionChoiceAuto_InvokedEndToEndWhenThePipelineInvokesFunctions(bool semanticKernelInvoker)
    {
        using var leaf = OpenRouter();
        var builder = Kernel.CreateBuilder();

        // The one line that makes plugins run: without a function-invoking client, the tool call comes back to the caller.
        var chatClient = builder.Services.AddChatClient(leaf);
        _ = semanticKernelInvoker ? chatClient.UseKernelFunctionInvocation() : chatClient.UseFunctionInvocation();
        var plugin = new WeatherPlugin();
        builder.Plugins.AddFromObject(plugin, "Weather");
        var kernel = builder.Build();
        var settings = new PromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto() };
        var prompt = $"What is the temperature in Oslo? kernel-plugin-{semanticKernelInvoker}";

        var result = await kernel.InvokePromptAsync(prompt, new KernelArguments(settings), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(1, plugin.Calls);
        Assert.Equal(ScriptedAnswers.ToolResult(Model, "21 degrees in sample"), result.GetValue<string>());
        var requests = backends.OpenRouter.Requests.Where(r => r.ToJsonString().Contains($"kernel-plugin-{semanticKernelInvoker}", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, requests.Count);
        Assert.Contains("get_temperature", requests[0]["tools"]![0]!["function"]!["name"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("tool", ((JsonArray)requests[1]["messages"]!).Last()!["role"]!.GetValue<string>());
    }

    [Fact]
    public async Task Plugin_FunctionChoiceAutoWithoutFunctionInvocation_IsNotInvoked()
    {
        using var leaf = OpenRouter();
        var builder = Kernel.CreateBuilder();
        builder.Services.AddChatClient(leaf);
        var plugin = new WeatherPlugin();
        builder.Plugins.AddFromObject(plugin, "Weather");
        var kernel = builder.Build();
        var settings = new PromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto() };

        await kernel.InvokePromptAsync("What is the temperature in Oslo? kernel-plugin-bare", new KernelArguments(settings), cancellationToken: TestContext.Current.CancellationToken);

        // What the README's Semantic Kernel section warns about: the call is the answer, and the plugin never runs.
        Assert.Equal(0, plugin.Calls);
        Assert.Single(backends.OpenRouter.Requests, r => r.ToJsonString().Contains("kernel-plugin-bare", StringComparison.Ordinal));
    }

    private static Kernel KernelOver(IChatClient leaf)
    {
        var builder = Kernel.CreateBuilder();
        builder.Services.AddChatClient(leaf).UseFunctionInvocation();
        return builder.Build();
    }

    private OpenRouterChatClient OpenRouter() => new(new OpenRouterClientOptions
    {
        ApiKey = SampleOpenRouterServer.ApiKey,
        Endpoint = new Uri(backends.OpenRouter.BaseUrl),
        ModelId = Model,
    });

    private JsonObject LastRequestContaining(string marker) =>
        backends.OpenRouter.Requests.Last(r => r.ToJsonString().Contains(marker, StringComparison.Ordinal));
}
