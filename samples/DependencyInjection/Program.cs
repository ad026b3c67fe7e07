// DependencyInjection: a hosted app whose whole pipeline (retry with validation, JSON enforcement, failover, routing,
// and the OpenRouter leaf) comes from appsettings.json. Settings are validated at start-up: a missing key stops the
// app with a message naming the setting.
//   Needs OPENROUTER_API_KEY (read by the OpenRouter client); OPENROUTER_BASE_URL optionally points elsewhere.
//   Any setting can be overridden with an environment variable, e.g. LlmConnectors__OpenRouter__ModelId=openai/gpt-4o.
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddOpenRouterChatClient(builder.Configuration.GetSection("LlmConnectors:OpenRouter"), openRouter =>
{
    if (Environment.GetEnvironmentVariable("OPENROUTER_BASE_URL") is { Length: > 0 } baseUrl)
    {
        openRouter.Endpoint = new Uri(baseUrl);
    }
});
builder.Services.AddChatPipeline(builder.Configuration.GetSection("LlmConnectors:Pipeline"));
builder.Services.AddHostedService<AssistantService>();

try
{
    using var host = builder.Build();
    await host.RunAsync();
    return Environment.ExitCode;
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
