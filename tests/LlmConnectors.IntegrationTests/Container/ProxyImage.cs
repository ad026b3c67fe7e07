using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json;
using Docker.DotNet;
using Docker.DotNet.Models;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Configurations;
using LlmConnectors.IntegrationTests.ClaudeCli;

namespace LlmConnectors.IntegrationTests.Container;

/// <summary>
/// Builds deploy/Dockerfile once per test run with Testcontainers, on the local base images of scripts/docker-base-images.sh (no
/// image registry is reachable here). The image is kept (tag <see cref="Name"/>), so Docker's layer cache makes a rebuild after a
/// code change cost only the publish step. Docker must be running: without it the tests fail, naming what to do.
/// </summary>
internal static class ProxyImage
{
    public const string Name = "llmconnectors/claude-proxy:test";

    /// <summary>The label on every container the tests start, so that a run removes what a crashed run left.</summary>
    public const string Label = "llmconnectors.tests";

    private const string InstallHint =
        "The container tests build and run the proxy's image: install Docker (apt-get install docker.io debootstrap) and start its daemon (dockerd), as .ci/run does, then run the tests again.";

    /// <summary>The lock file .ci/run holds while it builds the image in the background.</summary>
    private const string CiPrebuildLock = "/tmp/llmc-proxy-image.lock";

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static bool _built;

    /// <summary>Builds the image (once per run) and returns its name.</summary>
    public static async Task<string> BuildAsync(CancellationToken cancellationToken)
    {
        await Gate.WaitAsync(cancellationToken);
        try
        {
            if (_built)
            {
                return Name;
            }

            await PinDockerApiVersionAsync(cancellationToken);
            // Testcontainers' resource reaper (Ryuk) is an image from Docker Hub, which cannot be pulled here: the tests remove their
            // containers themselves (DisposeAsync, and RemoveLeftoversAsync for a run that crashed).
            TestcontainersSettings.ResourceReaperEnabled = false;
            using var docker = await ConnectAsync(cancellationToken);
            await RemoveLeftoversAsync(docker, cancellationToken);
            await WaitForCiPrebuildAsync(cancellationToken);
            var baseImages = await MakeBaseImagesAsync(cancellationToken);
            var root = ClaudeCliTestEnvironment.RepositoryRoot;
            var builder = new ImageFromDockerfileBuilder()
                .WithContextDirectory(root)
                .WithDockerfileDirectory(root)
                .WithDockerfile("deploy/Dockerfile")
                .WithName(Name)
                .WithCleanUp(false)
                .WithDeleteIfExists(false)
                // The restore and npm install steps reach the package registries as this machine does (no bridge network).
                .WithCreateParameterModifier(parameters => parameters.NetworkMode = "host");
            foreach (var (name, value) in baseImages)
            {
                builder = builder.WithBuildArgument(name, value);
            }

            await builder.Build().CreateAsync(cancellationToken);
            _built = true;
            return Name;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>A Docker API client on the endpoint Testcontainers uses.</summary>
    public static async Task<IDockerClient> ConnectAsync(CancellationToken cancellationToken)
    {
        var endpoint = TestcontainersSettings.OS.DockerEndpointAuthConfig;
        Assert.True(endpoint is not null, "Testcontainers found no Docker daemon (it tried DOCKER_HOST, ~/.testcontainers.properties and /var/run/docker.sock). " + InstallHint);
        var client = endpoint.GetDockerClientBuilder(Guid.NewGuid()).Build();
        try
        {
            await client.System.PingAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            client.Dispose();
            Assert.Fail(
                $"Docker is not reachable at {endpoint.Endpoint} ({e.GetBaseException().Message}). " + InstallHint);
        }

        return client;
    }

    /// <summary>
    /// Testcontainers 4.16's Docker client asks for a newer Docker API than Debian's docker.io 20.10 serves (1.41): its endpoint
    /// detection then fails and finds no Docker. Testcontainers reads <c>DOCKER_API_VERSION</c>; unless the environment sets it, it is
    /// set here, before Testcontainers' settings are first read, to the version the daemon itself reports (<c>GET /version</c>).
    /// </summary>
    private static async Task PinDockerApiVersionAsync(CancellationToken cancellationToken)
    {
        const string Variable = "DOCKER_API_VERSION";
        var host = Environment.GetEnvironmentVariable("DOCKER_HOST");
        var socket = host is { Length: > 0 } ? (host.StartsWith("unix://", StringComparison.Ordinal) ? host["unix://".Length..] : null) : "/var/run/docker.sock";
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Variable)) || socket is null || !File.Exists(socket))
        {
            // Set already, a TCP endpoint (left to Testcontainers), or no daemon (ConnectAsync says so).
            return;
        }

        using var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, token) =>
            {
                var connection = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await connection.ConnectAsync(new UnixDomainSocketEndPoint(socket), token);
                return new NetworkStream(connection, ownsSocket: true);
            },
        };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        try
        {
            using var version = JsonDocument.Parse(await http.GetStringAsync("http://docker/version", cancellationToken));
            Environment.SetEnvironmentVariable(Variable, version.RootElement.GetProperty("ApiVersion").GetString());
        }
        catch (HttpRequestException)
        {
            // No daemon behind the socket: ConnectAsync says so.
        }
    }

    /// <summary>
    /// Waits while .ci/run builds the same image in the background (it holds <see cref="CiPrebuildLock"/> meanwhile), so that the
    /// build below finds every layer in Docker's cache instead of building the same layers a second time at once.
    /// </summary>
    private static async Task WaitForCiPrebuildAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(CiPrebuildLock))
        {
            return;
        }

        for (var attempt = 0; attempt < 1200; attempt++)
        {
            try
            {
                // On Linux, FileShare.None takes flock(LOCK_EX | LOCK_NB) on the file: it fails while .ci/run's `flock` holds it.
                using var held = new FileStream(CiPrebuildLock, FileMode.Open, FileAccess.Read, FileShare.None);
                return;
            }
            catch (IOException)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
            catch (UnauthorizedAccessException)
            {
                return;
            }
        }
    }

    /// <summary>Removes the containers a previous, crashed run left behind.</summary>
    private static async Task RemoveLeftoversAsync(IDockerClient docker, CancellationToken cancellationToken)
    {
        var filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [Label] = true } };
        foreach (var container in await docker.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = filters }, cancellationToken))
        {
            await docker.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true }, cancellationToken);
        }
    }

    /// <summary>Runs scripts/docker-base-images.sh (a no-op when its images exist) and returns the build arguments it prints.</summary>
    private static async Task<Dictionary<string, string>> MakeBaseImagesAsync(CancellationToken cancellationToken)
    {
        var script = Path.Combine(ClaudeCliTestEnvironment.RepositoryRoot, "scripts", "docker-base-images.sh");
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(script);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        Assert.True(process.ExitCode == 0, $"{script} failed with exit code {process.ExitCode}:\n{await error}");
        var arguments = (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split('=', 2))
            .Where(parts => parts.Length == 2)
            .ToDictionary(parts => parts[0], parts => parts[1]);
        Assert.True(arguments.ContainsKey("SDK_IMAGE") && arguments.ContainsKey("RUNTIME_IMAGE") && arguments.ContainsKey("NODE_IMAGE"), $"{script} printed no base images:\n{await output}");
        return arguments;
    }
}
