using LlmConnectors;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Hosting;

/// <summary>Uses the configured pipeline the way an app would: it only knows <see cref="IChatClient"/>.</summary>
internal sealed class AssistantService(IChatClient chat, IHostApplicationLifetime lifetime) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // The default route: OpenRouter with the model from appsettings.json.
            var answer = await chat.GetResponseAsync("Give me one tip for writing good log messages.", cancellationToken: stoppingToken);
            Console.WriteLine($"Tip ({answer.ModelId}): {answer.Text}");

            // A routed model id: the "openrouter/" prefix picks the leaf and is stripped on the wire.
            var routed = await chat.GetResponseAsync(
                "Say hello.", new ChatOptions { ModelId = "openrouter/anthropic/claude-sonnet-4.5" }, stoppingToken);
            Console.WriteLine($"Routed ({routed.ModelId}): {routed.Text}");

            // JSON enforcement and validation come from the same pipeline.
            var json = await chat.GetJsonResponseAsync<Weather>("The weather in Oslo today, as JSON.", cancellationToken: stoppingToken);
            Console.WriteLine($"Typed: {json.Result.City}, {json.Result.TemperatureCelsius} °C, {json.Result.Summary}");
            Console.WriteLine($"JSON: {json.Json}");

            // "max/" goes to the claude CLI leaf; a missing CLI fails this request only, with a message saying how to install it.
            try
            {
                var claude = await chat.GetResponseAsync("Say hello.", new ChatOptions { ModelId = "max/haiku" }, stoppingToken);

                // Failover may have answered from a fallback instead: the response says which client served it.
                var servedBy = claude.AdditionalProperties?.TryGetValue("llmconnectors.failover.served_by_index", out var index) == true && index is > 0
                    ? $"Fallback {claude.AdditionalProperties["llmconnectors.failover.served_by"]}, after the Claude CLI failed"
                    : "Claude CLI";
                Console.WriteLine($"{servedBy} ({claude.ModelId}): {claude.Text}");
            }
            catch (LlmConnectorException e) when (e.Kind == LlmErrorKind.NotInstalled)
            {
                Console.WriteLine($"Claude CLI: {e.Message}");
            }
        }
        catch (LlmConnectorException e)
        {
            Console.WriteLine($"The request failed ({e.Kind}): {e.Message}");
            Environment.ExitCode = 1;
        }
        finally
        {
            lifetime.StopApplication();
        }
    }
}
