using System.Net.Sockets;
using LlmConnectors.ClaudeProxy;
using LlmConnectors.ClaudeProxy.Health;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;

var healthCheck = args.Contains(HealthCheckCommand.Switch);
var builder = WebApplication.CreateBuilder(args.Where(a => a != HealthCheckCommand.Switch).ToArray());
if (healthCheck)
{
    return await HealthCheckCommand.RunAsync(builder.Configuration, Console.Out, Console.Error);
}

// A failed start is reported below in one line per problem; the host's own "Hosting failed to start" error, with its stack trace,
// would only repeat it. Once started, the host's errors are logged as usual.
var started = false;
builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", level => level >= LogLevel.Information && (started || level < LogLevel.Error));
ProxyApplication.ConfigureServices(builder);

WebApplication app;
try
{
    app = builder.Build();
    ProxyApplication.Configure(app);
    await app.StartAsync();
    started = true;
}
catch (OptionsValidationException e)
{
    // One problem fits on one line (a container's log shows it as the reason it stopped); several are listed.
    if (e.Failures.Count() == 1)
    {
        await Console.Error.WriteLineAsync("The Claude proxy did not start: " + e.Failures.Single());
    }
    else
    {
        await Console.Error.WriteLineAsync("The Claude proxy did not start because its configuration is invalid:");
        foreach (var failure in e.Failures)
        {
            await Console.Error.WriteLineAsync("  - " + failure);
        }
    }

    return 2;
}
catch (IOException e) when (e.InnerException is AddressInUseException || e.GetBaseException() is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse })
{
    await Console.Error.WriteLineAsync(
        $"The Claude proxy did not start: {e.Message.TrimEnd('.')}. Stop the program that listens there, or choose another address with --urls (for example --urls http://127.0.0.1:3011).");
    return 2;
}
catch (Exception e) when (e is IOException or SocketException)
{
    await Console.Error.WriteLineAsync(
        $"The Claude proxy did not start: it cannot listen on {string.Join(", ", LlmConnectors.ClaudeProxy.Configuration.ClaudeProxyOptionsValidator.GetListenUrls(builder.Configuration))} ({e.GetBaseException().Message}). " +
        "Check --urls (or ASPNETCORE_URLS, Kestrel:Endpoints): an address of this machine, such as http://127.0.0.1:3010.");
    return 2;
}

await app.WaitForShutdownAsync();
await app.DisposeAsync();
return 0;

/// <summary>The proxy's entry point; public so that tests can start it with <c>WebApplicationFactory&lt;Program&gt;</c>.</summary>
public partial class Program;
