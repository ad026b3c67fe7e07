using LlmConnectors;
using Microsoft.Extensions.AI;

/// <summary>The same proxy through <see cref="ClaudeProxyChatClient"/>: an <see cref="IChatClient"/>, so every middleware of the pack applies.</summary>
internal static class ProxyChatClientDemo
{
    public static async Task<int> RunAsync(Uri baseUri, string apiKey)
    {
        // A "max/" prefix (the seed system's convention) is accepted and removed on the wire.
        using IChatClient client = new ClaudeProxyChatClient(new ClaudeProxyClientOptions { Endpoint = baseUri, ApiKey = apiKey, ModelId = "max/sonnet" })
            .AsBuilder()
            .UseRetryWithValidation([ChatResponseValidators.NotEmpty()])
            .Build();

        var response = await client.GetResponseAsync("What is the capital of Norway?");
        Console.WriteLine($"ClaudeProxyChatClient ({response.ModelId}): {response.Text}");

        Console.Write("ClaudeProxyChatClient, streamed: ");
        await foreach (var update in client.GetStreamingResponseAsync("Say goodbye."))
        {
            Console.Write(update.Text);
        }

        Console.WriteLine();
        return 0;
    }
}
