// AllProviders: every provider the pack knows, configured from one appsettings.json whose secrets are ${VAR} references to
// environment variables. AddLlmConnectors registers each provider whose credentials are present (a ${VAR} that is not set stops
// the start-up with a message naming the setting), logs one line per provider saying what it found, and routes by model prefix.
// This program sends one question to each detected provider by its prefix, then asks again through a failover chain in the
// order of Sample:FailoverOrder, which hands over from a failing provider to the next in under 2 seconds by default.
//   Needs OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY, GOOGLE_APPLICATION_CREDENTIALS and GOOGLE_CLOUD_PROJECT (Vertex AI),
//   OPENROUTER_API_KEY, and the claude CLI on PATH (or ClaudeCli__ExecutablePath=/path/to/claude); CLAUDE_PROXY_URL adds the proxy.
//   Endpoints move with OpenAI__Endpoint, Anthropic__Endpoint, Gemini__Endpoint, VertexAI__Endpoint, OpenRouter__Endpoint.
using LlmConnectors;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

// appsettings.json is copied next to the program, so it is found from any working directory.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Logging.ClearProviders().AddSimpleConsole(console => console.SingleLine = true);

IHost host;
try
{
    builder.Services.AddLlmConnectors(builder.Configuration);
    host = builder.Build();
    await host.StartAsync();   // validates every detected provider's settings and logs what was detected
}
catch (OptionsValidationException e)
{
    Console.WriteLine("The configuration is incomplete:");
    foreach (var failure in e.Failures)
    {
        Console.WriteLine($"  - {failure}");
    }

    return 3;
}

using (host)
{
    var report = host.Services.GetRequiredService<LlmProviderDetectionReport>();
    var detected = report.Providers.Where(p => p.Detected).ToList();
    var models = builder.Configuration.GetSection("Sample:Models");
    string ModelOf(LlmProviderDetection provider) => models[provider.Name] ?? provider.Prefix;
    var exitCode = 0;

    // 1. One request per provider, routed by the prefix of its model id through the default pipeline (the unkeyed IChatClient).
    var chat = host.Services.GetRequiredService<IChatClient>();
    Console.WriteLine($"Routing by prefix ({detected.Count} providers detected):");
    foreach (var provider in detected)
    {
        var model = ModelOf(provider);
        try
        {
            var response = await chat.GetResponseAsync($"Say hello from {provider.Name}.", new ChatOptions { ModelId = model });
            Console.WriteLine($"  {model} -> {response.Text}");
        }
        catch (LlmConnectorException e)
        {
            Console.WriteLine($"  {model} -> failed ({e.Kind}): {e.Message}");
            exitCode = 1;
        }
    }

    // 2. A failover chain over the keyed leaves, in the configured order: with default settings, every provider but the last
    // gets one try (its own transport retries are suspended), so a failing one hands over in under 2 s.
    var order = builder.Configuration.GetSection("Sample:FailoverOrder").GetChildren()
        .Select(entry => detected.Find(p => p.Name == entry.Value))
        .OfType<LlmProviderDetection>()
        .ToList();
    if (order.Count > 1)
    {
        IChatClient Leaf(LlmProviderDetection provider) => host.Services.GetRequiredKeyedService<IChatClient>(provider.Name);
        string Unprefixed(LlmProviderDetection provider) => ModelOf(provider)[provider.Prefix.Length..];

        // Not disposed here: the leaves belong to the host, which disposes them.
        var failover = new LlmFailoverChatClient(Leaf(order[0]), host.Services.GetService<ILoggerFactory>()?.CreateLogger<LlmFailoverChatClient>())
        {
            InnerClientName = order[0].Name,
        };
        foreach (var provider in order.Skip(1))
        {
            failover.AddFallback(Leaf(provider), Unprefixed(provider), provider.Name);
        }

        Console.WriteLine($"Failover ({string.Join(" -> ", order.Select(p => p.Name))}):");
        try
        {
            var response = await failover.GetResponseAsync("Which provider answers?", new ChatOptions { ModelId = Unprefixed(order[0]) });
            Console.WriteLine($"  served by {response.AdditionalProperties?[LlmFailoverChatClient.ServedByPropertyName]}: {response.Text}");
            if (response.AdditionalProperties?[LlmFailoverChatClient.SkippedFailuresPropertyName] is string[] skipped)
            {
                foreach (var line in skipped)
                {
                    Console.WriteLine($"  skipped {line}");
                }
            }
        }
        catch (FailoverExhaustedException e)
        {
            Console.WriteLine($"  every provider failed: {e.Message}");
            exitCode = 1;
        }
    }

    await host.StopAsync();
    return exitCode;
}
