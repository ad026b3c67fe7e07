using System.Net;
using System.Net.Sockets;
using Docker.DotNet.Models;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Configurations;
using DotNet.Testcontainers.Containers;
using LlmConnectors.IntegrationTests.ClaudeCli;
using LlmConnectors.IntegrationTests.ClaudeProxy;
using LlmConnectors.TestServers.Anthropic;
using LlmConnectors.TestServers;

namespace LlmConnectors.IntegrationTests.Container;

/// <summary>
/// One container of the proxy's image, configured as docs/deployment.md tells an operator (proxy key and Anthropic credentials in
/// the environment), its CLI pointed at a scripted Anthropic backend. It runs on the host's network, so that every byte stays on
/// loopback: the proxy listens on a free port of this machine, the CLI reaches the backend at 127.0.0.1.
/// </summary>
internal sealed class ProxyContainer : IAsyncDisposable
{
    public const string ApiKey = "container-test-key-0123456789abcdef";

    private ProxyContainer(IContainer container, int port)
    {
        Container = container;
        BaseUrl = $"http://127.0.0.1:{port}";
    }

    public IContainer Container { get; }

    /// <summary>Gets the proxy's address, for example <c>http://127.0.0.1:41234</c>.</summary>
    public string BaseUrl { get; }

    /// <summary>Creates and starts a container; with <paramref name="waitUntilHealthy"/>, waits until the image's HEALTHCHECK passes.</summary>
    /// <param name="backend">The scripted Anthropic backend the CLI calls.</param>
    /// <param name="environment">More environment variables.</param>
    /// <param name="withApiKey">Whether the proxy gets its key (<c>ClaudeProxy__ApiKey</c>).</param>
    /// <param name="waitUntilHealthy">Whether to wait for the HEALTHCHECK to pass.</param>
    /// <param name="credentialsFile">A login file to mount read-only where docs/deployment.md says, instead of <c>ANTHROPIC_API_KEY</c>.</param>
    public static async Task<ProxyContainer> StartAsync(ScriptedAnthropicServer backend, IReadOnlyDictionary<string, string>? environment = null, bool withApiKey = true, bool waitUntilHealthy = true, string? credentialsFile = null)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var image = await ProxyImage.BuildAsync(cancellationToken);
        var port = FreePort();
        var builder = new ContainerBuilder(image)
            .WithLabel(ProxyImage.Label, "true")
            .WithCleanUp(true)
            .WithEnvironment("ASPNETCORE_HTTP_PORTS", port.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithEnvironment("ANTHROPIC_BASE_URL", backend.BaseUrl)
            .WithEnvironment("ClaudeProxy__Cli__Retry__Enabled", "false")
            .WithCreateParameterModifier(parameters =>
            {
                parameters.HostConfig!.NetworkMode = "host";
                // The image's own check (its command, timeout and retries), probed every second instead of every 30 s.
                parameters.Healthcheck = new HealthcheckConfig { Interval = TimeSpan.FromSeconds(1) };
            });
        builder = credentialsFile is null
            ? builder.WithEnvironment("ANTHROPIC_API_KEY", ClaudeCliTestEnvironment.ApiKey)
            : builder.WithBindMount(credentialsFile, "/home/app/.claude/.credentials.json", AccessMode.ReadOnly);
        if (withApiKey)
        {
            builder = builder.WithEnvironment("ClaudeProxy__ApiKey", ApiKey);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            builder = builder.WithEnvironment(name, value);
        }

        if (waitUntilHealthy)
        {
            builder = builder.WithWaitStrategy(Wait.ForUnixContainer().UntilContainerIsHealthy());
        }

        var container = builder.Build();
        var proxy = new ProxyContainer(container, port);
        try
        {
            await container.StartAsync(cancellationToken);
        }
        catch (Exception e) when (waitUntilHealthy && e is not OperationCanceledException)
        {
            var (stdout, stderr) = await container.GetLogsAsync(timestampsEnabled: false, ct: CancellationToken.None);
            await proxy.DisposeAsync();
            Assert.Fail($"The proxy container did not become healthy ({e.Message}). Its output:\n{stdout}\n{stderr}");
        }

        return proxy;
    }

    /// <summary>Gets Docker's view of the container (state, health, main process id, configuration).</summary>
    public async Task<ContainerInspectResponse> InspectAsync()
    {
        using var docker = await ProxyImage.ConnectAsync(TestContext.Current.CancellationToken);
        return await docker.Containers.InspectContainerAsync(Container.Id, TestContext.Current.CancellationToken);
    }

    /// <summary>Gets the Claude CLI processes running under the container's main process, as this machine's process table shows them.</summary>
    public async Task<IReadOnlyList<int>> ClaudeProcessesAsync()
    {
        var pid = (int)((await InspectAsync()).State?.Pid ?? 0);
        return pid == 0 ? [] : ProcessTree.Descendants(pid).Where(ProcessTree.IsClaude).ToList();
    }

    public async Task<string> LogsAsync()
    {
        var (stdout, stderr) = await Container.GetLogsAsync(timestampsEnabled: false, ct: TestContext.Current.CancellationToken);
        return stdout + stderr;
    }

    public async ValueTask DisposeAsync()
    {
        await Container.DisposeAsync();
        // With the resource reaper off, a container that had stopped by itself is left by Testcontainers: remove it here.
        using var docker = await ProxyImage.ConnectAsync(CancellationToken.None);
        try
        {
            await docker.Containers.RemoveContainerAsync(Container.Id, new ContainerRemoveParameters { Force = true }, CancellationToken.None);
        }
        catch (Docker.DotNet.DockerContainerNotFoundException)
        {
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
