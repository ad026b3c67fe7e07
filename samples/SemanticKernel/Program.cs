// SemanticKernel: a Semantic Kernel 1.82 Kernel over a chat client from this pack.
//   OpenRouter:      OPENROUTER_API_KEY (and OPENROUTER_BASE_URL to point elsewhere)
//   Claude Code CLI: otherwise; claude on PATH, or CLAUDE_CLI_PATH
// Prompt functions, chat history, streaming and the plugin work over both (over the Claude CLI, the plugin's function reaches
// the model through the CLI's in-process MCP server, and the kernel runs it).
using LlmConnectors;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

using var leaf = SampleBackend.FromEnvironment();
Console.WriteLine($"Backend: {leaf.GetService<ChatClientMetadata>()?.ProviderName}");

// MEAI's AddChatClient registers the client; UseFunctionInvocation() is what makes plugins run.
var builder = Kernel.CreateBuilder();
builder.Services.AddChatClient(leaf).UseFunctionInvocation();
builder.Plugins.AddFromType<ClockPlugin>("Clock");
var kernel = builder.Build();

// A prompt function with an argument.
var translate = kernel.CreateFunctionFromPrompt("Translate '{{$word}}' into French.");
Console.WriteLine($"Prompt function: {await translate.InvokeAsync(kernel, new KernelArguments { ["word"] = "cheese" })}");

// Chat history through SK's IChatCompletionService (SK's adapter over the same client).
var chat = leaf.AsChatCompletionService();
var history = new ChatHistory("You answer in one sentence.");
history.AddUserMessage("Name a prime number.");
history.Add(await chat.GetChatMessageContentAsync(history));
history.AddUserMessage("Name another one.");
Console.WriteLine($"Chat, second turn: {(await chat.GetChatMessageContentAsync(history)).Content}");

// Streaming.
Console.Write("Streamed: ");
await foreach (var chunk in kernel.InvokePromptStreamingAsync("Count to three."))
{
    Console.Write(chunk);
}

Console.WriteLine();

// A plugin the model calls: FunctionChoiceBehavior.Auto() offers it, the function-invoking client runs it.
var settings = new PromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto() };
Console.WriteLine($"Plugin: {await kernel.InvokePromptAsync("What time is it in Oslo?", new KernelArguments(settings))}");

return 0;
