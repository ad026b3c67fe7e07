using System.Net;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using LlmConnectors.TestServers.Anthropic;
using LlmConnectors.TestServers.Google;
using LlmConnectors.TestServers.OpenRouter;
using Microsoft.Extensions.AI;

namespace LlmConnectors.Benchmarks.Routing;

/// <summary>
/// How long <see cref="LlmFailoverChatClient"/> takes, with default settings, from the call to the fallback's answer when the primary
/// (a real leaf against a scripted server) fails: 503, 429 with <c>Retry-After: 20</c>, connection refused, or a hang. The fallback is
/// the OpenAI leaf against an instant scripted server. <see cref="FailoverRetriesFirstBenchmarks"/> is the peer: the same clients with
/// the primary's retries on and no attempt timeout, as before issue 14.
/// </summary>
[Config(typeof(HandoverConfig))]
public class FailoverHandoverBenchmarks
{
    private HandoverRig _rig = null!;

    /// <summary>Gets or sets the primary leaf.</summary>
    [Params("openai", "anthropic", "gemini")]
    public string Primary { get; set; } = "openai";

    /// <summary>Gets or sets how the primary fails.</summary>
    [Params("503", "429 Retry-After 20", "refused", "hang")]
    public string Failure { get; set; } = "503";

    [GlobalSetup]
    public void Setup() => _rig = HandoverRig.Start(Primary, Failure, retriesFirst: false);

    [IterationSetup]
    public void Script() => _rig.ScriptFailures();

    [GlobalCleanup]
    public void Cleanup() => _rig.Dispose();

    [Benchmark(Description = "default: call to fallback's answer")]
    public Task<ChatResponse> Handover() => _rig.CallAsync();
}

/// <summary>The peer of <see cref="FailoverHandoverBenchmarks"/>: the primary keeps its retries (1 s backoff, 3 retries) and is not cut, as before issue 14.</summary>
[Config(typeof(HandoverConfig))]
public class FailoverRetriesFirstBenchmarks
{
    private HandoverRig _rig = null!;

    /// <summary>Gets or sets the primary leaf.</summary>
    [Params("openai", "anthropic", "gemini")]
    public string Primary { get; set; } = "openai";

    /// <summary>Gets or sets how the primary fails (a hang or a 20 s Retry-After would take minutes per call).</summary>
    [Params("503", "refused")]
    public string Failure { get; set; } = "503";

    [GlobalSetup]
    public void Setup() => _rig = HandoverRig.Start(Primary, Failure, retriesFirst: true);

    [IterationSetup]
    public void Script() => _rig.ScriptFailures();

    [GlobalCleanup]
    public void Cleanup() => _rig.Dispose();

    [Benchmark(Description = "retries first, no attempt timeout (before)")]
    public Task<ChatResponse> Handover() => _rig.CallAsync();
}

/// <summary>The scripted servers, the leaves and the failover client of one benchmark case.</summary>
internal sealed class HandoverRig : IDisposable
{
    private readonly OpenRouterTestServer _fallbackServer;
    private readonly OpenRouterTestServer? _openAIServer;
    private readonly ScriptedAnthropicServer? _anthropicServer;
    private readonly string _primary;
    private readonly string _failure;
    private readonly IChatClient _client;

    private HandoverRig(string primary, string failure, bool retriesFirst)
    {
        _primary = primary;
        _failure = failure;
        _fallbackServer = OpenRouterTestServer.StartAsync().GetAwaiter().GetResult();
        if (primary == "anthropic")
        {
            _anthropicServer = ScriptedAnthropicServer.StartAsync().GetAwaiter().GetResult();
        }
        else
        {
            _openAIServer = OpenRouterTestServer.StartAsync().GetAwaiter().GetResult();
        }

        var closed = new Uri($"http://127.0.0.1:{ClosedPort()}/");
        IChatClient leaf = primary switch
        {
            "openai" => new OpenAIConnectorChatClient(new OpenAIConnectorOptions
            {
                ApiKey = "sk-bench",
                Endpoint = failure == "refused" ? new Uri(closed, "v1") : new Uri(_openAIServer!.BaseAddress, "openai/v1"),
            }),
            "anthropic" => new AnthropicConnectorChatClient(new AnthropicConnectorOptions
            {
                ApiKey = "sk-bench",
                Endpoint = failure == "refused" ? closed : new Uri(_anthropicServer!.BaseUrl),
            }),
            _ => new GeminiConnectorChatClient(new GeminiConnectorOptions
            {
                ApiKey = "bench",
                Endpoint = failure == "refused" ? new Uri(closed, "v1beta/openai/") : new Uri(_openAIServer!.BaseAddress, "v1beta/openai/"),
            }),
        };
        var fallback = new OpenAIConnectorChatClient(new OpenAIConnectorOptions { ApiKey = "sk-bench", Endpoint = new Uri(_fallbackServer.BaseAddress, "openai/v1") });
        _client = leaf.AsBuilder().UseFailover(configure: f =>
        {
            f.AddFallback(fallback, name: "fallback");
            if (retriesFirst)
            {
                f.RetryBeforeHandover = true;
            }
            else
            {
                // No attempt timeout by default (a whole answer cannot be told from a hang); the hang rows measure the one a
                // streamed chat would set.
                f.AttemptTimeout = TimeSpan.FromSeconds(1.5);
            }
        }).Build();
    }

    public static HandoverRig Start(string primary, string failure, bool retriesFirst) => new(primary, failure, retriesFirst);

    /// <summary>Queues enough failing answers for one call, retries included.</summary>
    public void ScriptFailures()
    {
        for (var i = 0; i < 4; i++)
        {
            if (_anthropicServer is { } anthropic)
            {
                anthropic.Enqueue(_failure switch
                {
                    "503" => ScriptedAnthropicReply.Error(HttpStatusCode.ServiceUnavailable),
                    "429 Retry-After 20" => ScriptedAnthropicReply.Error(HttpStatusCode.TooManyRequests, retryAfterSeconds: 20),
                    _ => ScriptedAnthropicReply.Hang(),
                });
            }
            else
            {
                _openAIServer!.Enqueue(_failure switch
                {
                    "503" => _primary == "gemini" ? GeminiScripts.Error(503, "UNAVAILABLE", "Overloaded.") : ScriptedResponse.Json("""{"error":{"message":"Overloaded.","type":"server_error"}}""", 503),
                    "429 Retry-After 20" => ScriptedResponse.Json("""{"error":{"message":"Slow down.","type":"rate_limit_error"}}""", 429, new Dictionary<string, string> { ["Retry-After"] = "20" }),
                    _ => new ScriptedResponse { AbortAfterBody = true, AbortWhen = new TaskCompletionSource().Task },
                });
            }
        }
    }

    public async Task<ChatResponse> CallAsync()
    {
        var response = await _client.GetResponseAsync([new(ChatRole.User, "Say hi")]).ConfigureAwait(false);
        return response.AdditionalProperties?[LlmFailoverChatClient.ServedByPropertyName] as string == "fallback"
            ? response
            : throw new InvalidOperationException($"The {_primary} primary ({_failure}) did not hand over.");
    }

    public void Dispose()
    {
        _client.Dispose();
        _fallbackServer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _openAIServer?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _anthropicServer?.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>
/// One call per iteration (each is a whole failover), 2 warm-ups and 10 measured iterations, in the host process: BenchmarkDotNet's
/// generated project did not build within its 2-minute limit on the shared build machine, and a call of 1 ms to 10 s needs no isolation.
/// </summary>
internal sealed class HandoverConfig : ManualConfig
{
    public HandoverConfig()
    {
        AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithStrategy(RunStrategy.Monitoring)
            .WithLaunchCount(1).WithWarmupCount(2).WithIterationCount(10).WithInvocationCount(1).WithUnrollFactor(1));
        AddColumn(StatisticColumn.Median, StatisticColumn.Min, StatisticColumn.Max);
    }
}
