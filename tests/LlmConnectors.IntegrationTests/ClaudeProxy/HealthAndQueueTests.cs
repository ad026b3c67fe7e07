using System.Net;
using System.Text;
using System.Text.Json;
using LlmConnectors.ClaudeProxy.Health;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using static LlmConnectors.IntegrationTests.ClaudeProxy.ProxyTestHelpers;

namespace LlmConnectors.IntegrationTests.ClaudeProxy;

/// <summary>The readiness answer, the queue's counts and hints, and what queued requests get when the proxy shuts down.</summary>
public class HealthAndQueueTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, CancellationToken cancellationToken) =>
        client.PostAsync("/v1/chat/completions", new StringContent(SimpleRequest, Encoding.UTF8, "application/json"), cancellationToken);

    private static async Task<JsonElement> ReadyAsync(HttpClient client)
    {
        var response = await client.GetAsync("/health/ready", Ct);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.Clone();
    }

    [Fact]
    public async Task Ready_RequestsQueued_CountsThemLive()
    {
        await using var factory = new ProxyFactory(new() { ["ClaudeProxy:MaxConcurrentRequests"] = "1", ["ClaudeProxy:QueueLimit"] = "8" });
        factory.Client.HangUntilCancelled = true;
        using var client = factory.CreateClient();
        Assert.Equal(0, (await ReadyAsync(client)).GetProperty("checks").GetProperty("queued_requests").GetInt32());
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var calls = Enumerable.Range(0, 4).Select(_ => PostAsync(client, stop.Token)).ToList();
        JsonElement checks = default;
        for (var i = 0; i < 300; i++)
        {
            checks = (await ReadyAsync(client)).GetProperty("checks");
            if (checks.GetProperty("queued_requests").GetInt32() == 3)
            {
                break;
            }

            await Task.Delay(50, Ct);
        }

        Assert.Equal(3, checks.GetProperty("queued_requests").GetInt32());
        Assert.Equal(1, checks.GetProperty("active_requests").GetInt32());
        await stop.CancelAsync();
        await Task.WhenAll(calls.Select(c => c.ContinueWith(_ => { }, TaskScheduler.Default)));
    }

    [Fact]
    public async Task Ready_CliMissing_SaysWhatToSetWithoutPathsAndLogsOneLinePerRequest()
    {
        const string MissingCli = "/nonexistent-llmc-test/bin/claude";
        await using var factory = new ProxyFactory(new() { ["ClaudeProxy:Cli:ExecutablePath"] = MissingCli }, fakeClient: false);
        using var client = factory.CreateClient();

        var response = await client.GetAsync("/health/ready", Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        var (chatStatus, chatBody, _) = await PostJsonAsync(client, SimpleRequest);
        var (secondStatus, _, _) = await PostJsonAsync(client, SimpleRequest);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var body = JsonDocument.Parse(text).RootElement;
        Assert.Equal("not_ready", body.GetProperty("status").GetString());
        Assert.Equal(ClaudeCliReadinessCheck.CliNotFoundMessage, body.GetProperty("message").GetString());
        Assert.Contains("ClaudeProxy:Cli:ExecutablePath", text, StringComparison.Ordinal);
        Assert.DoesNotContain("ClaudeCli:ExecutablePath", text, StringComparison.Ordinal);
        Assert.DoesNotContain("nonexistent", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Environment.CurrentDirectory, text, StringComparison.Ordinal);
        Assert.DoesNotContain("/tmp", text, StringComparison.Ordinal);
        Assert.False(body.GetProperty("checks").GetProperty("cli_found").GetBoolean());

        Assert.Equal(HttpStatusCode.BadGateway, chatStatus);
        AssertError(chatBody, "upstream_unavailable");
        Assert.Equal(HttpStatusCode.BadGateway, secondStatus);
        var problems = factory.Logs.Entries.Where(e => e.Level >= LogLevel.Warning && e.Category.StartsWith("LlmConnectors", StringComparison.Ordinal)).ToList();
        var described = string.Join('\n', problems.Select(p => $"{p.Category} {p.Level}: {p.Message} {p.Exception?.GetType().Name}"));
        Assert.True(problems.All(e => e.Exception is null), "Expected no stack traces; got:\n" + described);
        Assert.Equal(2, problems.Count(e => e.Message.Contains("ClaudeProxy:Cli:ExecutablePath", StringComparison.Ordinal) && e.Message.Contains("Chat request", StringComparison.Ordinal)));
        Assert.True(problems.Count <= 4, "Expected one line at start, one per readiness check and one per request; got:\n" + described);
    }

    [Fact]
    public async Task QueueFull_RetryAfter_FollowsRecentRequestDurations()
    {
        await using var factory = new ProxyFactory(new() { ["ClaudeProxy:MaxConcurrentRequests"] = "1", ["ClaudeProxy:QueueLimit"] = "0" });
        factory.Client.Delay = TimeSpan.FromSeconds(4);
        using var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, Ct)).StatusCode);

        var holding = PostAsync(client, Ct);
        for (var i = 0; i < 600 && factory.Client.Calls < 2; i++)
        {
            await Task.Delay(10, Ct);
        }

        var refused = await PostAsync(client, Ct);
        await holding;

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Contains("queue_full", await refused.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        // One slot, and requests take at least 4 s: a slot frees in about 4 s, not 1.
        Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(4), $"Retry-After was {refused.Headers.RetryAfter}.");
    }

    [Fact]
    public async Task Shutdown_QueuedRequests_Get503AtOnceWhileTheRunningOneDrains()
    {
        await using var factory = new ProxyFactory(new()
        {
            ["ClaudeProxy:MaxConcurrentRequests"] = "1",
            ["ClaudeProxy:QueueLimit"] = "4",
            ["ClaudeProxy:ShutdownTimeout"] = "00:02:00",
        });
        factory.Client.HangUntilCancelled = true;
        using var client = factory.CreateClient();
        using var cleanup = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var running = PostAsync(client, cleanup.Token);
        await factory.Client.Started.WaitAsync(TimeSpan.FromSeconds(60), Ct);
        var queued = new[] { PostAsync(client, Ct), PostAsync(client, Ct) };
        for (var i = 0; i < 300 && (await ReadyAsync(client)).GetProperty("checks").GetProperty("queued_requests").GetInt32() < 2; i++)
        {
            await Task.Delay(50, Ct);
        }

        factory.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();

        // Before the fix the queued requests waited for the whole shutdown timeout (2 minutes here) and then lost their connection.
        foreach (var call in queued)
        {
            var response = await call.WaitAsync(TimeSpan.FromSeconds(60), Ct);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.NotNull(response.Headers.RetryAfter);
            AssertError(JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement, "shutting_down", expectedType: "api_error");
        }

        Assert.False(running.IsCompleted);
        Assert.Equal(1, factory.Client.Calls);
        await cleanup.CancelAsync();
        await running.ContinueWith(_ => { }, TaskScheduler.Default);
    }
}
