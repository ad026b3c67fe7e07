using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using LlmConnectors.TestServers.Anthropic;
using Microsoft.Extensions.AI;

namespace LlmConnectors.Benchmarks.ClaudeCli;

/// <summary>
/// Time to first token and total latency of <see cref="ClaudeCliChatClient"/> driving the real pinned CLI against the instant
/// scripted Anthropic backend: cold (a process started per request) versus warm (a pre-started process from the pool).
/// One request per iteration; the pool is refilled outside the measured time.
/// </summary>
[Config(typeof(LatencyConfig))]
public class ClaudeCliLatencyBenchmarks
{
    private ScriptedAnthropicServer _server = null!;
    private ClaudeCliChatClient _cold = null!;
    private ClaudeCliChatClient _warm = null!;
    private IAsyncEnumerator<ChatResponseUpdate>? _open;
    private string _home = null!;

    [GlobalSetup]
    public void Setup()
    {
        _server = ScriptedAnthropicServer.StartAsync().GetAwaiter().GetResult();
        _home = Directory.CreateTempSubdirectory("llmc-bench-claude-").FullName;
        _cold = new ClaudeCliChatClient(Options(0));
        _warm = new ClaudeCliChatClient(Options(1));
    }

    [IterationSetup]
    public void FillPool() => _warm.WarmUpAsync().GetAwaiter().GetResult();

    [IterationCleanup]
    public void CloseStream()
    {
        if (_open is not null)
        {
            _open.DisposeAsync().AsTask().GetAwaiter().GetResult();
            _open = null;
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _cold.Dispose();
        _warm.Dispose();
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        try
        {
            Directory.Delete(_home, recursive: true);
        }
        catch (IOException)
        {
            // A killed CLI may still be flushing into its HOME; the directory is in /tmp.
        }
    }

    [Benchmark(Description = "cold: total")]
    public Task<ChatResponse> ColdTotal() => _cold.GetResponseAsync([new(ChatRole.User, "Say hi")]);

    [Benchmark(Description = "warm: total")]
    public Task<ChatResponse> WarmTotal() => _warm.GetResponseAsync([new(ChatRole.User, "Say hi")]);

    [Benchmark(Description = "cold: first token")]
    public Task<bool> ColdFirstToken() => FirstTokenAsync(_cold);

    [Benchmark(Description = "warm: first token")]
    public Task<bool> WarmFirstToken() => FirstTokenAsync(_warm);

    private static string ClaudePath()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "LlmConnectors.sln")))
        {
            directory = directory.Parent;
        }

        var path = Path.Combine(directory?.FullName ?? ".", "tools", "node", "node_modules", ".bin", "claude");
        return File.Exists(path) ? path : throw new InvalidOperationException($"The pinned Claude CLI is missing at {path}; run 'cd tools/node && npm ci'.");
    }

    private async Task<bool> FirstTokenAsync(ClaudeCliChatClient client)
    {
        _open = client.GetStreamingResponseAsync([new(ChatRole.User, "Say hi")]).GetAsyncEnumerator();
        return await _open.MoveNextAsync().ConfigureAwait(false);
    }

    private ClaudeCliOptions Options(int pool)
    {
        var options = new ClaudeCliOptions
        {
            ExecutablePath = ClaudePath(),
            ConfigDirectory = Path.Combine(_home, ".claude"),
            ModelId = "claude-bench",
            WarmPoolSize = pool,
        };
        options.EnvironmentVariables["HOME"] = _home;
        options.EnvironmentVariables["ANTHROPIC_API_KEY"] = "sk-bench";
        options.EnvironmentVariables["ANTHROPIC_BASE_URL"] = _server.BaseUrl;
        return options;
    }

    private sealed class LatencyConfig : ManualConfig
    {
        public LatencyConfig()
        {
            AddJob(Job.Default.WithStrategy(RunStrategy.Monitoring).WithLaunchCount(1).WithWarmupCount(2).WithIterationCount(20).WithInvocationCount(1).WithUnrollFactor(1));
            AddColumn(StatisticColumn.Median, StatisticColumn.P95, StatisticColumn.Min, StatisticColumn.Max);
        }
    }
}
