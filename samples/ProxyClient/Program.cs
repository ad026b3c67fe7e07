// ProxyClient: the Claude proxy speaks OpenAI's Chat Completions API, so the official OpenAI SDK works against it unchanged.
// Start a proxy first (on the machine where claude is installed and logged in):
//   dotnet run --project src/LlmConnectors.ClaudeProxy      (or: llmc serve)
// then:
//   export CLAUDE_PROXY_URL=http://127.0.0.1:3010
//   export CLAUDE_PROXY_API_KEY=...                          (only when the proxy has ClaudeProxy:ApiKey set)
using System.ClientModel;
using OpenAI;
using OpenAI.Chat;

if (Environment.GetEnvironmentVariable("CLAUDE_PROXY_URL") is not { Length: > 0 } proxyUrl)
{
    Console.WriteLine("""
        Set CLAUDE_PROXY_URL to a running Claude proxy and run again, for example:
          dotnet run --project src/LlmConnectors.ClaudeProxy &
          export CLAUDE_PROXY_URL=http://127.0.0.1:3010
        'llmc doctor' checks the setup.
        """);
    return 3;
}

// On loopback the proxy needs no key; the SDK wants a non-empty one anyway.
var apiKey = Environment.GetEnvironmentVariable("CLAUDE_PROXY_API_KEY") is { Length: > 0 } key ? key : "no-key-needed-on-loopback";
var baseUri = new Uri(proxyUrl.TrimEnd('/') + "/v1");

// 1. The official OpenAI .NET SDK.
var openAi = new ChatClient("sonnet", new ApiKeyCredential(apiKey), new OpenAIClientOptions { Endpoint = baseUri });

ChatCompletion completion = await openAi.CompleteChatAsync(
[
    new SystemChatMessage("You are terse."),
    new UserChatMessage("Name the three primary colours."),
]);
Console.WriteLine($"OpenAI SDK ({completion.Model}): {completion.Content[0].Text}");

Console.Write("OpenAI SDK, streamed: ");
await foreach (var update in openAi.CompleteChatStreamingAsync([new UserChatMessage("Count to three.")]))
{
    foreach (var part in update.ContentUpdate)
    {
        Console.Write(part.Text);
    }
}

Console.WriteLine();

return await ProxyChatClientDemo.RunAsync(baseUri, apiKey);
