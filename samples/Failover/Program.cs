// Failover: when the primary model fails with a transient error (overloaded, rate limited, down) before its first
// token, the same request goes to the next target within 2 seconds. Never on cancellation, nor on a 4xx the next
// provider would reject too.
//   Needs OPENROUTER_API_KEY (optionally OPENROUTER_BASE_URL). FAILOVER_PRIMARY_MODEL picks the primary model.
using LlmConnectors;
using Microsoft.Extensions.AI;

if (Environment.GetEnvironmentVariable("OPENROUTER_API_KEY") is not { Length: > 0 } apiKey)
{
    Console.WriteLine("Set OPENROUTER_API_KEY (https://openrouter.ai/keys) and run again. 'llmc doctor' checks the setup.");
    return 3;
}

var endpoint = Environment.GetEnvironmentVariable("OPENROUTER_BASE_URL") is { Length: > 0 } baseUrl ? new Uri(baseUrl) : OpenRouterClientOptions.DefaultEndpoint;
var primaryModel = Environment.GetEnvironmentVariable("FAILOVER_PRIMARY_MODEL") is { Length: > 0 } m ? m : "anthropic/claude-sonnet-4.5";
const string FallbackModel = "openai/gpt-4o-mini";

// The primary does not retry on its own: failing over is faster than waiting out backoff delays.
var primary = new OpenRouterChatClient(new OpenRouterClientOptions
{
    ApiKey = apiKey,
    Endpoint = endpoint,
    ModelId = primaryModel,
    Retry = new TransportRetryOptions { Enabled = false },
});
var fallback = new OpenRouterChatClient(new OpenRouterClientOptions { ApiKey = apiKey, Endpoint = endpoint, ModelId = FallbackModel });

using IChatClient client = primary
    .AsBuilder()
    .UseFailover(configure: failover =>
    {
        failover.InnerClientName = $"primary ({primaryModel})";
        failover.AddFallback(fallback, FallbackModel, $"fallback ({FallbackModel})");
    })
    .Build();

var response = await client.GetResponseAsync("Name one advantage of failover, in five words.");
Console.WriteLine($"Answer: {response.Text}");

var properties = response.AdditionalProperties;
Console.WriteLine($"Served by: {properties?[LlmFailoverChatClient.ServedByPropertyName]}");
if (properties?.TryGetValue(LlmFailoverChatClient.SkippedFailuresPropertyName, out var skipped) == true && skipped is IEnumerable<string> failures)
{
    foreach (var failure in failures)
    {
        Console.WriteLine($"Skipped: {failure}");
    }
}

fallback.Dispose();
return 0;
