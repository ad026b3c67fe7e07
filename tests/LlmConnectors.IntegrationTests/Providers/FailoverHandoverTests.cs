using System.Net;
using LlmConnectors.TestServers.Anthropic;
using LlmConnectors.TestServers.Google;
using LlmConnectors.TestServers.OpenRouter;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;

namespace LlmConnectors.IntegrationTests.Providers;

/// <summary>
/// <see cref="LlmFailoverChatClient"/> with default settings over the real leaves (the OpenAI and Anthropic SDKs, the pack's wire layer
/// for Gemini and OpenRouter) against scripted servers: a primary failing with a transient error gets exactly one request (no retry,
/// no <c>Retry-After</c> wait) and the next provider serves; a hang is cut by the attempt timeout on a fake clock; the last client and
/// a client used alone keep their retries.
/// </summary>
public sealed class FailoverHandoverTests
{
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(1.5);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>An answer that would be retried at once if retries were on, so a retry shows up as a second request, not a wait.</summary>
    private static ScriptedResponse Unavailable() => ScriptedResponse.Json(
        """{"error":{"message":"The server is overloaded.","type":"server_error","code":null}}""", 503, new Dictionary<string, string> { ["retry-after-ms"] = "0" });

    private static OpenAIConnectorChatClient OpenAI(OpenRouterTestServer server, HttpClient? http = null) =>
        new(new OpenAIConnectorOptions { ApiKey = "sk-test", Endpoint = new Uri(server.BaseAddress, "openai/v1"), HttpClient = http });

    private static OpenAIConnectorChatClient OpenAI(Uri endpoint, HttpClient http) =>
        new(new OpenAIConnectorOptions { ApiKey = "sk-test", Endpoint = endpoint, HttpClient = http });

    private static AnthropicConnectorChatClient Anthropic(ScriptedAnthropicServer server) =>
        new(new AnthropicConnectorOptions { ApiKey = "sk-ant", Endpoint = new Uri(server.BaseUrl) });

    private static GeminiConnectorChatClient Gemini(OpenRouterTestServer server) =>
        new(new GeminiConnectorOptions { ApiKey = "gemini-key", Endpoint = new Uri(server.BaseAddress, "v1beta/openai/") });

    private static OpenRouterChatClient OpenRouter(Uri endpoint, HttpClient http) =>
        new(new OpenRouterClientOptions { ApiKey = "sk-or", Endpoint = endpoint, ModelId = "openai/gpt-4o-mini", HttpClient = http });

    /// <summary>
    /// Default settings (no attempt timeout) unless the hang test sets one, on a fake clock that only that test moves, so a first
    /// call slowed down by a busy machine (JIT, first connection) is never mistaken for a hang.
    /// </summary>
    private static IChatClient Failover(IChatClient primary, IChatClient fallback, FakeTimeProvider? clock = null, TimeSpan? attemptTimeout = null) =>
        primary.AsBuilder().UseFailover(configure: f =>
        {
            f.InnerClientName = "primary";
            f.AttemptTimeout = attemptTimeout;
            f.AddFallback(fallback, name: "fallback");
            f.TimeProvider = clock ?? new FakeTimeProvider();
        }).Build();

    private static void AssertServedByFallback(AdditionalPropertiesDictionary? properties, string failure)
    {
        Assert.NotNull(properties);
        Assert.Equal("fallback", properties[LlmFailoverChatClient.ServedByPropertyName]);
        var skipped = Assert.IsType<string[]>(properties[LlmFailoverChatClient.SkippedFailuresPropertyName]);
        Assert.Contains(failure, Assert.Single(skipped), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAISdkPrimary_503_OneRequestThenFallback()
    {
        await using var primaryServer = await OpenRouterTestServer.StartAsync(Ct);
        await using var fallbackServer = await ScriptedAnthropicServer.StartAsync(Ct);
        primaryServer.Enqueue(Unavailable(), Unavailable(), Unavailable(), Unavailable());
        using var client = Failover(OpenAI(primaryServer), Anthropic(fallbackServer));

        var response = await client.GetResponseAsync("hi", cancellationToken: Ct);

        Assert.Equal("Hello world", response.Text);
        AssertServedByFallback(response.AdditionalProperties, "Unavailable");
        Assert.Single(primaryServer.ChatRequests);
    }

    [Fact]
    public async Task AnthropicSdkPrimary_429WithLongRetryAfter_OneRequestNoWaitThenFallback()
    {
        await using var primaryServer = await ScriptedAnthropicServer.StartAsync(Ct);
        await using var fallbackServer = await OpenRouterTestServer.StartAsync(Ct);
        var limited = ScriptedAnthropicReply.Error(HttpStatusCode.TooManyRequests, "Slow down.", retryAfterSeconds: 20);
        primaryServer.Enqueue(limited, limited, limited);
        fallbackServer.Enqueue(OpenRouterScripts.Completion("from the fallback"));
        using var client = Failover(Anthropic(primaryServer), OpenAI(fallbackServer));

        var response = await client.GetResponseAsync("hi", cancellationToken: Ct);

        Assert.Equal("from the fallback", response.Text);
        AssertServedByFallback(response.AdditionalProperties, "RateLimited");
        Assert.Single(primaryServer.Requests);
    }

    [Fact]
    public async Task GeminiPrimary_503Streaming_OneRequestThenFallbackStreams()
    {
        await using var primaryServer = await OpenRouterTestServer.StartAsync(Ct);
        await using var fallbackServer = await ScriptedAnthropicServer.StartAsync(Ct);
        var unavailable = GeminiScripts.Error(503, "UNAVAILABLE", "The model is overloaded.");
        primaryServer.Enqueue(unavailable, unavailable, unavailable, unavailable);
        using var client = Failover(Gemini(primaryServer), Anthropic(fallbackServer));

        var updates = await client.GetStreamingResponseAsync("hi", cancellationToken: Ct).ToListAsync(Ct);

        Assert.Equal("Hello world", string.Concat(updates.Select(u => u.Text)));
        AssertServedByFallback(updates[0].AdditionalProperties, "Unavailable");
        Assert.Single(primaryServer.ChatRequests);
    }

    [Fact]
    public async Task OpenRouterPrimary_ConnectionRefused_OneConnectionAttemptThenFallback()
    {
        await using var fallbackServer = await OpenRouterTestServer.StartAsync(Ct);
        fallbackServer.Enqueue(OpenRouterScripts.Completion("from the fallback"));
        var counting = new CountingHandler(new SocketsHttpHandler());
        using var http = new HttpClient(counting) { Timeout = Timeout.InfiniteTimeSpan };
        using var client = Failover(OpenRouter(new Uri($"http://127.0.0.1:{ClosedPort()}/api/v1"), http), OpenAI(fallbackServer));

        var response = await client.GetResponseAsync("hi", cancellationToken: Ct);

        Assert.Equal("from the fallback", response.Text);
        AssertServedByFallback(response.AdditionalProperties, "Network");
        Assert.Equal(1, counting.Sent);
    }

    [Fact]
    public async Task AnthropicPrimary_Hangs_CutByAttemptTimeoutOnTheFailoverClock()
    {
        await using var primaryServer = await ScriptedAnthropicServer.StartAsync(Ct);
        await using var fallbackServer = await OpenRouterTestServer.StartAsync(Ct);
        primaryServer.Enqueue(ScriptedAnthropicReply.Hang());
        fallbackServer.Enqueue(OpenRouterScripts.Completion("from the fallback"));
        var clock = new FakeTimeProvider();
        using var client = Failover(Anthropic(primaryServer), OpenAI(fallbackServer), clock, AttemptTimeout);

        var call = client.GetResponseAsync("hi", cancellationToken: Ct);
        while (primaryServer.Requests.Count == 0)
        {
            await Task.Delay(10, Ct);
        }

        clock.Advance(AttemptTimeout - TimeSpan.FromMilliseconds(100));
        Assert.False(call.IsCompleted);
        Assert.Empty(fallbackServer.ChatRequests);
        clock.Advance(TimeSpan.FromMilliseconds(100));
        var response = await call;

        Assert.Equal("from the fallback", response.Text);
        AssertServedByFallback(response.AdditionalProperties, "AttemptTimeout (00:00:01.5000000)");
        Assert.Single(primaryServer.Requests);
    }

    [Fact]
    public async Task LastClient_KeepsItsRetries()
    {
        await using var primaryServer = await ScriptedAnthropicServer.StartAsync(Ct);
        await using var fallbackServer = await OpenRouterTestServer.StartAsync(Ct);
        primaryServer.Enqueue(ScriptedAnthropicReply.Overloaded(), ScriptedAnthropicReply.Overloaded());
        fallbackServer.Enqueue(Unavailable(), OpenRouterScripts.Completion("second try"));
        using var client = Failover(Anthropic(primaryServer), OpenAI(fallbackServer));

        var response = await client.GetResponseAsync("hi", cancellationToken: Ct);

        Assert.Equal("second try", response.Text);
        Assert.Equal("fallback", response.AdditionalProperties![LlmFailoverChatClient.ServedByPropertyName]);
        Assert.Single(primaryServer.Requests);
        Assert.Equal(2, fallbackServer.ChatRequests.Count);
    }

    [Fact]
    public async Task LoneClient_KeepsItsRetries()
    {
        await using var server = await OpenRouterTestServer.StartAsync(Ct);
        server.Enqueue(Unavailable(), Unavailable(), OpenRouterScripts.Completion("third try"));
        using var client = OpenAI(server);

        var response = await client.GetResponseAsync("hi", cancellationToken: Ct);

        Assert.Equal("third try", response.Text);
        Assert.Equal(3, server.ChatRequests.Count);
    }

    [Fact]
    public async Task RetryBeforeHandover_GivesThePrimaryItsRetriesBack()
    {
        await using var primaryServer = await OpenRouterTestServer.StartAsync(Ct);
        await using var fallbackServer = await ScriptedAnthropicServer.StartAsync(Ct);
        primaryServer.Enqueue(Unavailable(), OpenRouterScripts.Completion("primary, second try"));
        using var client = OpenAI(primaryServer).AsBuilder()
            .UseFailover(configure: f => { f.AddFallback(Anthropic(fallbackServer)); f.RetryBeforeHandover = true; f.TimeProvider = new FakeTimeProvider(); })
            .Build();

        var response = await client.GetResponseAsync("hi", cancellationToken: Ct);

        Assert.Equal("primary, second try", response.Text);
        Assert.Equal(2, primaryServer.ChatRequests.Count);
        Assert.Empty(fallbackServer.Requests);
    }

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class CountingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        private int _sent;

        public int Sent => Volatile.Read(ref _sent);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _sent);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
