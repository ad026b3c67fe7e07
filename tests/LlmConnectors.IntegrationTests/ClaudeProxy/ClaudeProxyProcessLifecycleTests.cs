using System.Net;
using System.Net.Http.Headers;
using System.Text;
using LlmConnectors.TestServers.Anthropic;
using LlmConnectors.TestServers;

namespace LlmConnectors.IntegrationTests.ClaudeProxy;

/// <summary>The real proxy process without a warm pool, so that every Claude CLI process under it belongs to a request in flight.</summary>
public class ClaudeProxyProcessLifecycleTests
{
    private static readonly Dictionary<string, string> NoPool = new()
    {
        ["ClaudeProxy__Cli__WarmPoolSize"] = "0",
        ["ClaudeProxy__MaxConcurrentRequests"] = "1",
        ["ClaudeProxy__QueueLimit"] = "0",
        ["ClaudeProxy__ShutdownTimeout"] = "00:00:02",
        ["ClaudeProxy__Cli__Retry__Enabled"] = "false",
    };

    private static HttpClient Http()
    {
        var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ProxyProcess.ApiKey);
        return http;
    }

    private static StringContent Body(bool stream) =>
        new($$"""{"model":"sonnet","messages":[{"role":"user","content":"Hang please"}],"stream":{{(stream ? "true" : "false")}}}""", Encoding.UTF8, "application/json");

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ClientDisconnect_KillsTheCliProcessAndQueueFullGets429(bool stream)
    {
        await using var backend = await ScriptedAnthropicServer.StartAsync(TestContext.Current.CancellationToken);
        backend.DefaultReply = _ => ScriptedAnthropicReply.Hang();
        await using var proxy = await ProxyProcess.StartAsync(backend, NoPool);
        using var http = Http();
        Assert.Empty(proxy.ClaudeDescendants());

        using var disconnect = new CancellationTokenSource();
        var call = http.PostAsync(proxy.BaseUrl + "/v1/chat/completions", Body(stream), disconnect.Token);
        var running = await proxy.WaitForClaudeProcessesAsync(n => n >= 1, "a CLI process for the request in flight");
        for (var i = 0; i < 600 && backend.Requests.Count == 0; i++)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        Assert.NotEmpty(backend.Requests);

        // The one slot is taken and nothing may wait: a second request is refused at once.
        var refused = await http.PostAsync(proxy.BaseUrl + "/v1/chat/completions", Body(stream), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Contains("queue_full", await refused.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);

        await disconnect.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);

        await proxy.WaitForClaudeProcessesAsync(n => n == 0, "no CLI process after the client disconnected");
        await AssertAllExitAsync(running, "the disconnect");
        for (var i = 0; i < 100 && !proxy.Output.Contains("client_disconnected", StringComparison.Ordinal); i++)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        Assert.Contains("outcome=client_disconnected", proxy.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shutdown_WithRequestInFlight_DrainsBoundedAndKillsTheCli()
    {
        await using var backend = await ScriptedAnthropicServer.StartAsync(TestContext.Current.CancellationToken);
        backend.DefaultReply = _ => ScriptedAnthropicReply.Hang();
        var proxy = await ProxyProcess.StartAsync(backend, NoPool);
        using var http = Http();
        var call = http.PostAsync(proxy.BaseUrl + "/v1/chat/completions", Body(stream: false), TestContext.Current.CancellationToken);
        var running = await proxy.WaitForClaudeProcessesAsync(n => n >= 1, "a CLI process for the request in flight");

        var exitCode = await proxy.StopAsync();
        await proxy.DisposeAsync();

        Assert.Equal(0, exitCode);
        await AssertAllExitAsync(running, "the proxy's shutdown");
        try
        {
            var response = await call;
            Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        }
        catch (HttpRequestException)
        {
            // The drain bound passed and the connection was closed: acceptable for a request that never finished.
        }
    }

    [Fact]
    public async Task Sigterm_QueuedRequests_Get503AtOnceInsteadOfAReset()
    {
        await using var backend = await ScriptedAnthropicServer.StartAsync(TestContext.Current.CancellationToken);
        backend.DefaultReply = _ => ScriptedAnthropicReply.Hang();
        var proxy = await ProxyProcess.StartAsync(backend, new Dictionary<string, string>(NoPool)
        {
            ["ClaudeProxy__QueueLimit"] = "4",
            ["ClaudeProxy__ShutdownTimeout"] = "00:00:20",
        });
        using var http = Http();
        var running = http.PostAsync(proxy.BaseUrl + "/v1/chat/completions", Body(stream: false), TestContext.Current.CancellationToken);
        await proxy.WaitForClaudeProcessesAsync(n => n >= 1, "a CLI process for the request in flight");
        var queued = new[]
        {
            http.PostAsync(proxy.BaseUrl + "/v1/chat/completions", Body(stream: false), TestContext.Current.CancellationToken),
            http.PostAsync(proxy.BaseUrl + "/v1/chat/completions", Body(stream: true), TestContext.Current.CancellationToken),
        };
        for (var i = 0; i < 300; i++)
        {
            var ready = await http.GetStringAsync(proxy.BaseUrl + "/health/ready", TestContext.Current.CancellationToken);
            if (ready.Contains("\"queued_requests\":2", StringComparison.Ordinal))
            {
                break;
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        var stopping = proxy.StopAsync();

        // Before the fix they waited the whole shutdown timeout and then lost their connection (HttpRequestException).
        foreach (var call in queued)
        {
            var response = await call;
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.NotNull(response.Headers.RetryAfter);
            Assert.Contains("shutting_down", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        }

        Assert.Equal(0, await stopping);
        await proxy.DisposeAsync();
        try
        {
            Assert.NotEqual(HttpStatusCode.OK, (await running).StatusCode);
        }
        catch (HttpRequestException)
        {
            // The running request outlived the drain bound: its connection was closed.
        }
    }

    private static async Task AssertAllExitAsync(IReadOnlyList<int> pids, string after)
    {
        for (var i = 0; i < 100 && pids.Any(ProcessTree.IsAlive); i++)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        var survivors = pids.Where(ProcessTree.IsAlive).ToList();
        Assert.True(survivors.Count == 0, $"CLI processes {string.Join(", ", survivors)} survived {after}.");
    }

    [Fact]
    public async Task Startup_NonLoopbackWithoutKey_RefusesWithAClearMessage()
    {
        var (exitCode, output) = await ProxyProcess.RunExpectingFailureAsync(new Dictionary<string, string>(), "--urls", "http://0.0.0.0:0");

        Assert.Equal(2, exitCode);
        Assert.Contains("ClaudeProxy:ApiKey", output, StringComparison.Ordinal);
        Assert.Contains("0.0.0.0", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Startup_PortInUse_ExitsWithCode2AndOneLine()
    {
        using var occupant = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        var port = ((IPEndPoint)occupant.LocalEndpoint).Port;

        var (exitCode, output) = await ProxyProcess.RunExpectingFailureAsync(new Dictionary<string, string>(), "--urls", $"http://127.0.0.1:{port}");

        Assert.Equal(2, exitCode);
        AssertOneLineProblem(output, "already in use");
        Assert.Contains("--urls", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Startup_IPv4MappedAddress_ExitsWithCode2AndOneLine()
    {
        var (exitCode, output) = await ProxyProcess.RunExpectingFailureAsync(new Dictionary<string, string>(), "--urls", "http://[::ffff:127.0.0.1]:3010");

        Assert.Equal(2, exitCode);
        AssertOneLineProblem(output, "::ffff:");
        Assert.Contains("http://127.0.0.1:3010", output, StringComparison.Ordinal);
    }

    private static void AssertOneLineProblem(string output, string expected)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.DoesNotContain(lines, l => l.StartsWith("at ", StringComparison.Ordinal));
        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
        Assert.Single(lines, l => l.Contains(expected, StringComparison.Ordinal));
        Assert.True(lines.Length <= 2, "Expected one line per problem (after a heading at most); the proxy printed:\n" + output);
    }
}
