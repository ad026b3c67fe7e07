// AgentFramework: a Microsoft Agent Framework 1.28 ChatClientAgent over a pipeline from this pack.
//   OpenRouter:      OPENROUTER_API_KEY (and OPENROUTER_BASE_URL to point elsewhere)
//   Claude Code CLI: otherwise; claude on PATH, or CLAUDE_CLI_PATH
// Instructions, a two-turn session, a typed answer, streaming and the tool work over both (over the Claude CLI, the tool reaches
// the model through the CLI's in-process MCP server, and the agent runs it).
using System.ComponentModel;
using LlmConnectors;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;

using var leaf = SampleBackend.FromEnvironment();
Console.WriteLine($"Backend: {leaf.GetService<ChatClientMetadata>()?.ProviderName}");

// The pack's middlewares under the agent, composed with MEAI's ChatClientBuilder: an empty answer is asked again.
IChatClient pipeline = new ChatClientBuilder(leaf)
    .Use(inner => new RetryWithValidationChatClient(inner, [ChatResponseValidators.NotEmpty()]) { MaxAttempts = 3 })
    .Build();

[Description("Gets the local time in a city.")]
static string LocalTime([Description("The city")] string city) => $"09:30 in {city}";

var agent = new ChatClientAgent(pipeline, instructions: "You are a terse travel guide.", name: "Guide", tools: [AIFunctionFactory.Create(LocalTime, "local_time")]);

// A conversation: the session keeps the history, so the second turn carries the first.
var session = await agent.CreateSessionAsync();
Console.WriteLine($"{agent.Name}: {await agent.RunAsync("Pick a city for a weekend.", session)}");
Console.WriteLine($"{agent.Name}: {await agent.RunAsync("And one museum there?", session)}");

// A typed answer: the agent asks for the JSON schema of CityFacts and deserializes the reply.
var facts = await agent.RunAsync<CityFacts>("Facts about Oslo.", session);
Console.WriteLine($"Typed: {facts.Result.Name}, {facts.Result.Country}, population {facts.Result.Population}");

// Streaming.
Console.Write($"{agent.Name} (streamed): ");
await foreach (var update in agent.RunStreamingAsync("Say goodbye.", session))
{
    Console.Write(update.Text);
}

Console.WriteLine();

// A tool the model calls: the agent runs it and the model answers with its result.
Console.WriteLine($"Tool: {await agent.RunAsync("What time is it in Lima?")}");

return 0;
