using System.Net;
using System.Net.Sockets;
using LlmConnectors.TestServers.Anthropic;

namespace LlmConnectors.IntegrationTests.ClaudeProxy;

/// <summary>
/// <c>LlmConnectors.ClaudeProxy --health-check</c>, what the container image's HEALTHCHECK runs: a second process of the proxy, with
/// the same settings as the running one, asks its <c>/health/ready</c> and exits 0 or 1 with one line.
/// </summary>
public sealed class HealthCheckCommandTests
{
    [Fact]
    public async Task HealthCheck_ProxyReady_ExitsWithZero()
    {
        await using var backend = await ScriptedAnthropicServer.StartAsync(TestContext.Current.CancellationToken);
        // The proxy answers only to this name: the check must send it, not 127.0.0.1.
        var settings = new Dictionary<string, string>
        {
            ["ClaudeProxy__ApiKey"] = ProxyProcess.ApiKey,
            ["ClaudeProxy__AllowedHosts__0"] = "proxy.example.com",
        };
        await using var proxy = await ProxyProcess.StartAsync(backend, settings);

        // As in the container: the listen address comes from the same settings, here --urls; the Host header is an allowed name.
        var (exitCode, output) = await ProxyProcess.RunExpectingFailureAsync(settings, "--health-check", "--urls", proxy.BaseUrl);

        Assert.True(exitCode == 0, output);
        Assert.Equal($"ready ({proxy.BaseUrl}/health/ready)", output.Trim());
    }

    [Fact]
    public async Task HealthCheck_NothingListening_ExitsWithOneAndOneLine()
    {
        using var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();

        var (exitCode, output) = await ProxyProcess.RunExpectingFailureAsync(new Dictionary<string, string> { ["ASPNETCORE_HTTP_PORTS"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) }, "--health-check");

        Assert.Equal(1, exitCode);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith($"not ready: http://127.0.0.1:{port}/health/ready did not answer", line, StringComparison.Ordinal);
    }
}
