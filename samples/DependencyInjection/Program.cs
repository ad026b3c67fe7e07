// DependencyInjection: a hosted app whose whole pipeline (retry with validation, JSON enforcement, failover, routing,
// and two leaves: OpenRouter, and the local claude CLI for "max/..." models) comes from appsettings.json. Settings are validated at start-up: a missing key stops the
// app with a message naming the setting.
//   Needs OPENROUTER_API_KEY (read by the OpenRouter client); OPENROUTER_BASE_URL optionally points elsewhere.
//   The "max/" route needs the claude CLI (on PATH, or CLAUDE_CLI_PATH); without it that one request says how to install it.
//   Any setting can be overridden with an environment variable, e.g. LlmConnectors__OpenRouter__ModelId=openai/gpt-4o.
//   Failover:AttemptTimeout (no limit by default) hands over from a client that has not answered within a minute: the failover
//   wraps the router, and a "max/" request may wait for a CLI process to start.
using LlmConnectors;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

// appsettings.json is copied next to the program, so it is found from any working directory.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Services.AddOpenRouterChatClient(builder.Configuration.GetSection("LlmConnectors:OpenRouter"), openRouter =>
{
    if (Environment.GetEnvironmentVariable("OPENROUTER_BASE_URL") is { Length: > 0 } baseUrl)
    {
        openRouter.Endpoint = new Uri(baseUrl);
    }
});
builder.Services.AddClaudeCliChatClient(builder.Configuration.GetSection("LlmConnectors:ClaudeCli"), cli =>
{
    if (Environment.GetEnvironmentVariable("CLAUDE_CLI_PATH") is { Length: > 0 } claudePath)
    {
        cli.ExecutablePath = claudePath;
    }
});

// The pipeline finds leaves by name: AddOpenRouterChatClient registers "openrouter", AddClaudeCliChatClient "claude-cli".
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
