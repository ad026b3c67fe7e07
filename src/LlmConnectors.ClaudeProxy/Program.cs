using LlmConnectors.ClaudeProxy;
using Microsoft.Extensions.Options;

var builder = WebApplication.CreateBuilder(args);
ProxyApplication.ConfigureServices(builder);

WebApplication app;
try
{
    app = builder.Build();
    ProxyApplication.Configure(app);
    await app.StartAsync();
}
catch (OptionsValidationException e)
{
    await Console.Error.WriteLineAsync("The Claude proxy did not start because its configuration is invalid:");
    foreach (var failure in e.Failures)
    {
        await Console.Error.WriteLineAsync("  - " + failure);
    }

    return 2;
}

await app.WaitForShutdownAsync();
await app.DisposeAsync();
return 0;

/// <summary>The proxy's entry point; public so that tests can start it with <c>WebApplicationFactory&lt;Program&gt;</c>.</summary>
public partial class Program;
