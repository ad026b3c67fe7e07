using System.ClientModel;
using System.Net;
using System.Text;
using System.Text.Json;
using LlmConnectors.IntegrationTests.ClaudeCli;
using LlmConnectors.IntegrationTests.ClaudeProxy;
using LlmConnectors.TestServers.Anthropic;
using OpenAI;
using OpenAI.Chat;
using LlmConnectors.TestServers;

namespace LlmConnectors.IntegrationTests.Container;

/// <summary>
/// The container tests run one class at a time: while the first builds the image, the other test worker goes on with the rest of the
/// suite instead of waiting on the same build.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ProxyContainerGroup
{
    public const string Name = "Proxy container";
}

/// <summary>One healthy container of the proxy's image next to the scripted Anthropic backend, shared by the tests that only call it.</summary>
public sealed class ProxyContainerFixture : IAsyncLifetime
{
    internal ScriptedAnthropicServer Backend { get; private set; } = null!;

    internal ProxyContainer Proxy { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Backend = await ScriptedAnthropicServer.StartAsync(TestContext.Current.CancellationToken);
        Proxy = await ProxyContainer.StartAsync(Backend);
    }

    public async ValueTask DisposeAsync()
    {
        if (Proxy is not null)
        {
            await Proxy.DisposeAsync();
        }

        await Backend.DisposeAsync();
    }
}

/// <summary>The image built from deploy/Dockerfile, run as docs/deployment.md tells, called with the official OpenAI .NET SDK.</summary>
[Collection(ProxyContainerGroup.Name)]
public sealed class ProxyContainerTests(ProxyContainerFixture fixture) : IClassFixture<ProxyContainerFixture>
{
    private ChatClient OpenAIChatClient(string model = "sonnet") =>
        new(model, new ApiKeyCredential(ProxyContainer.ApiKey), new OpenAIClientOptions { Endpoint = new Uri(fixture.Proxy.BaseUrl + "/v1") });

    [Fact]
    public async Task Container_OpenAISdkChat_ReturnsTheBackendsAnswer()
    {
        fixture.Backend.Enqueue(ScriptedAnthropicReply.Text("Hello ", "from ", "the container"));

        var completion = (await OpenAIChatClient().CompleteChatAsync([new UserChatMessage("Say hello")], cancellationToken: TestContext.Current.CancellationToken)).Value;

        Assert.Equal("Hello from the container", completion.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Contains("Say hello", JsonSerializer.Serialize(fixture.Backend.Requests[^1]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Container_OpenAISdkStream_ReturnsTheAnswerInChunks()
    {
        fixture.Backend.Enqueue(ScriptedAnthropicReply.Text("one ", "two ", "three"));
        var text = new StringBuilder();
        var updates = 0;

        await foreach (var update in OpenAIChatClient().CompleteChatStreamingAsync([new UserChatMessage("Count")], cancellationToken: TestContext.Current.CancellationToken))
        {
            updates++;
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }
        }

        Assert.Equal("one two three", text.ToString());
        Assert.True(updates >= 3, $"Expected at least 3 streamed updates, got {updates}.");
    }

    [Fact]
    public async Task Container_RequestWithoutKey_Gets401WithOpenAIErrorBody()
    {
        using var http = new HttpClient();
        using var content = new StringContent("""{"model":"sonnet","messages":[{"role":"user","content":"Hi"}]}""", Encoding.UTF8, "application/json");

        using var response = await http.PostAsync(fixture.Proxy.BaseUrl + "/v1/chat/completions", content, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var error = body.RootElement.GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal("missing_api_key", error.GetProperty("code").GetString());
        Assert.Contains("Authorization: Bearer", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Container_RunsAsNonRootUser_HealthyWithThePinnedCli()
    {
        var inspect = await fixture.Proxy.InspectAsync();
        using var http = new HttpClient();
        using var ready = JsonDocument.Parse(await http.GetStringAsync(fixture.Proxy.BaseUrl + "/health/ready", TestContext.Current.CancellationToken));
        using var pinned = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(ClaudeCliTestEnvironment.RepositoryRoot, "tools", "node", "package.json"), TestContext.Current.CancellationToken));

        Assert.Equal("healthy", inspect.State?.Health?.Status);
        Assert.Equal("app", inspect.Config?.User);
        var uid = File.ReadAllLines($"/proc/{inspect.State!.Pid}/status").Single(line => line.StartsWith("Uid:", StringComparison.Ordinal));
        Assert.Equal(["1654", "1654", "1654", "1654"], uid.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1..]);
        var checks = ready.RootElement.GetProperty("checks");
        Assert.Equal(pinned.RootElement.GetProperty("dependencies").GetProperty("@anthropic-ai/claude-code").GetString(), checks.GetProperty("cli_version").GetString());
        Assert.True(checks.GetProperty("authenticated").GetBoolean());
        Assert.Equal("api_key", checks.GetProperty("auth_method").GetString());
    }
}

/// <summary>Start-up refusal and shutdown of the image, each with a container of its own.</summary>
[Collection(ProxyContainerGroup.Name)]
public sealed class ProxyContainerLifecycleTests
{
    [Fact]
    public async Task Container_WithoutProxyApiKey_RefusesToStartWithOneLine()
    {
        await using var backend = await ScriptedAnthropicServer.StartAsync(TestContext.Current.CancellationToken);
        await using var proxy = await ProxyContainer.StartAsync(backend, withApiKey: false, waitUntilHealthy: false);

        var exitCode = await proxy.Container.GetExitCodeAsync(TestContext.Current.CancellationToken);

        var (stdout, stderr) = await proxy.Container.GetLogsAsync(timestampsEnabled: false, ct: TestContext.Current.CancellationToken);
        Assert.Equal(2, exitCode);
        Assert.Equal("", stdout.Trim());
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith("The Claude proxy did not start: ", line, StringComparison.Ordinal);
        Assert.Contains("ClaudeProxy__ApiKey", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Container_ReadOnlyCredentialsFile_IsTheCliLogin()
    {
        // A subscription login as `claude /login` writes it (the token is made up: the scripted backend accepts any).
        var credentials = Path.Combine(Directory.CreateTempSubdirectory("llmc-container-credentials-").FullName, ".credentials.json");
        await File.WriteAllTextAsync(
            credentials,
            """{"claudeAiOauth":{"accessToken":"sk-ant-oat01-scripted","refreshToken":"sk-ant-ort01-scripted","expiresAt":4102444800000,"scopes":["user:inference","user:profile"],"subscriptionType":"max"}}""",
            TestContext.Current.CancellationToken);
        if (!OperatingSystem.IsWindows())
        {
            // Readable by the container's user (uid 1654), as a mounted file must be.
            File.SetUnixFileMode(credentials, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }
        await using var backend = await ScriptedAnthropicServer.StartAsync(TestContext.Current.CancellationToken);
        await using var proxy = await ProxyContainer.StartAsync(backend, credentialsFile: credentials);
        backend.Enqueue(ScriptedAnthropicReply.Text("Logged ", "in"));
        using var http = new HttpClient();

        using var ready = JsonDocument.Parse(await http.GetStringAsync(proxy.BaseUrl + "/health/ready", TestContext.Current.CancellationToken));
        var client = new ChatClient("sonnet", new ApiKeyCredential(ProxyContainer.ApiKey), new OpenAIClientOptions { Endpoint = new Uri(proxy.BaseUrl + "/v1") });
        var completion = (await client.CompleteChatAsync([new UserChatMessage("Hi")], cancellationToken: TestContext.Current.CancellationToken)).Value;

        Assert.Equal("claude.ai", ready.RootElement.GetProperty("checks").GetProperty("auth_method").GetString());
        Assert.Equal("Logged in", completion.Content[0].Text);
    }

    [Fact]
    public async Task Container_DockerStop_ExitsWithZeroAndLeavesNoClaudeProcess()
    {
        await using var backend = await ScriptedAnthropicServer.StartAsync(TestContext.Current.CancellationToken);
        await using var proxy = await ProxyContainer.StartAsync(backend);
        // The warm pool starts CLI processes as soon as the proxy listens.
        IReadOnlyList<int> claude = [];
        for (var attempt = 0; attempt < 200 && claude.Count == 0; attempt++)
        {
            claude = await proxy.ClaudeProcessesAsync();
            if (claude.Count == 0)
            {
                await Task.Delay(100, TestContext.Current.CancellationToken);
            }
        }

        Assert.NotEmpty(claude);

        // docker stop: SIGTERM, then SIGKILL after Docker's 10 s grace period (exit code 137). 0 means the proxy shut down by itself.
        await proxy.Container.StopAsync(TestContext.Current.CancellationToken);

        Assert.Equal(0, await proxy.Container.GetExitCodeAsync(TestContext.Current.CancellationToken));
        Assert.Contains("Application is shutting down", await proxy.LogsAsync(), StringComparison.Ordinal);
        Assert.All(claude, pid => Assert.False(ProcessTree.IsAlive(pid), $"Claude CLI process {pid} survived docker stop."));
    }
}
