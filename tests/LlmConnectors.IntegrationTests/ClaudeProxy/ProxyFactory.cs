using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmConnectors.IntegrationTests.ClaudeProxy;

/// <summary>
/// The proxy in process, on real Kestrel (a loopback port of its own), serving a <see cref="FakeChatClient"/> (or, with
/// <c>fakeClient: false</c>, its default Claude CLI backend) with the given settings. <see cref="Logs"/> holds what it logged.
/// </summary>
public sealed class ProxyFactory : WebApplicationFactory<Program>
{
    public const string ApiKey = "test-key-0123456789abcdef";

    private readonly Dictionary<string, string?> _settings;
    private readonly bool _clientOwnedByContainer;
    private readonly bool _fakeClient;
    private readonly Func<IChatClient, IChatClient>? _wrapClient;

    public ProxyFactory(Dictionary<string, string?>? settings = null, bool clientOwnedByContainer = false, bool fakeClient = true, Func<IChatClient, IChatClient>? wrapClient = null)
    {
        _wrapClient = wrapClient;
        _settings = settings ?? [];
        _settings.TryAdd("urls", "http://127.0.0.1:0");
        _clientOwnedByContainer = clientOwnedByContainer;
        _fakeClient = fakeClient;
        UseKestrel();
    }

    public FakeChatClient Client { get; } = new();

    public CapturingLoggerProvider Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        builder.ConfigureTestServices(services =>
        {
            if (!_fakeClient)
            {
                return;
            }

            if (_clientOwnedByContainer)
            {
                services.AddSingleton<IChatClient>(_ => Client);
            }
            else
            {
                services.AddSingleton<IChatClient>(_wrapClient?.Invoke(Client) ?? Client);
            }
        });
    }
}
