using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace LlmConnectors.IntegrationTests.ClaudeProxy;

/// <summary>The proxy in process, on the test server, serving a <see cref="FakeChatClient"/> with the given settings.</summary>
public sealed class ProxyFactory(Dictionary<string, string?>? settings = null, bool clientOwnedByContainer = false) : WebApplicationFactory<Program>
{
    public const string ApiKey = "test-key-0123456789abcdef";

    public FakeChatClient Client { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        foreach (var (key, value) in settings ?? [])
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services =>
        {
            if (clientOwnedByContainer)
            {
                services.AddSingleton<IChatClient>(_ => Client);
            }
            else
            {
                services.AddSingleton<IChatClient>(Client);
            }
        });
    }
}
