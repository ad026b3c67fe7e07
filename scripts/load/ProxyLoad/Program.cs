// Measures p50/p95 latency and throughput of non-streaming chat completions at concurrency 1, 4 and 16 against
// (a) this repository's Claude proxy and (b) the npm peer claude-max-api-proxy@1.0.0, both driving the same pinned
// Claude CLI against the same instant scripted Anthropic backend. Every address is on loopback; every level is bounded
// in request count and in time; every process started is stopped, and the run fails if a CLI process survives.
// With --conversations it measures instead, on the same servers and backend, 5-turn conversations (an OpenAI client sends the
// whole history every turn), tool round trips, and the CPU seconds the server's process tree spent per turn.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using LlmConnectors.TestServers.Anthropic;
using static LlmConnectors.TestServers.ProcessTree;
using static LoadSupport;

if (args.Contains("--replicas"))
{
    return await ReplicaLoad.RunAsync(args);
}

var peerDir = Arg("--peer-dir") ?? "/tmp/claude-max-api-proxy-peer";
var configuration = Arg("--configuration") ?? "Release";
var maxSecondsPerLevel = int.Parse(Arg("--max-seconds-per-level") ?? "90", CultureInfo.InvariantCulture);
var pacedPause = TimeSpan.FromMilliseconds(int.Parse(Arg("--paced-pause-ms") ?? "1500", CultureInfo.InvariantCulture));
var pacedRequests = int.Parse(Arg("--paced-requests") ?? "15", CultureInfo.InvariantCulture);
// The peer sets no CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC of its own (ours does); by default it gets it from the
// environment so that both CLIs do the same work, and with --peer-as-shipped it runs without it, as a user would start it.
var peerAsShipped = args.Contains("--peer-as-shipped");
int[] levels = [1, 4, 16];
var requestsPerLevel = new Dictionary<int, int> { [1] = int.Parse(Arg("--requests-c1") ?? "30", CultureInfo.InvariantCulture), [4] = 60, [16] = 96 };
var conversationMode = args.Contains("--conversations");
var conversationCount = int.Parse(Arg("--conversation-count") ?? "8", CultureInfo.InvariantCulture);
var turnsPerConversation = int.Parse(Arg("--turns") ?? "5", CultureInfo.InvariantCulture);
var toolRoundTrips = int.Parse(Arg("--tool-round-trips") ?? "10", CultureInfo.InvariantCulture);
var turnPause = TimeSpan.FromMilliseconds(int.Parse(Arg("--turn-pause-ms") ?? "500", CultureInfo.InvariantCulture));
var conversationResults = new List<ConversationResult>();

var root = FindRepositoryRoot();
var claude = Path.Combine(root, "tools", "node", "node_modules", ".bin", "claude");
if (!File.Exists(claude))
{
    Console.Error.WriteLine($"The pinned Claude CLI is missing at {claude}: run 'cd tools/node && npm ci'.");
    return 1;
}

var proxyDll = Path.Combine(root, "src", "LlmConnectors.ClaudeProxy", "bin", configuration, "net10.0", "LlmConnectors.ClaudeProxy.dll");
if (!File.Exists(proxyDll))
{
    Console.Error.WriteLine($"The proxy is not built at {proxyDll}: run 'dotnet build src/LlmConnectors.ClaudeProxy -c {configuration}'.");
    return 1;
}

await using var backend = await ScriptedAnthropicServer.StartAsync();
backend.DefaultReply = ConversationBenchmark.Reply;
var home = Directory.CreateTempSubdirectory("llmc-load-home-").FullName;
var cliEnvironment = CliEnvironment(home, backend.BaseUrl);

var results = new List<LevelResult>();
var seenCliProcesses = new HashSet<int>();
var report = new StringBuilder();

// Ours: the default settings of the proxy, except a warm pool as large as its concurrency (4), so that c=4 is served warm.
{
    var port = FreePort();
    var start = ProxyStartInfo(proxyDll, port, claude, cliEnvironment);
    start.Environment["ClaudeProxy__Cli__WarmPoolSize"] = "4";

    await RunTargetAsync("LlmConnectors.ClaudeProxy (warm pool 4, max 4 concurrent)", start, $"http://127.0.0.1:{port}", warmUpDelay: TimeSpan.FromSeconds(5));
}

// The peer: claude-max-api-proxy@1.0.0, installed in a throwaway directory, finding the same CLI on PATH.
var peerEntry = Path.Combine(peerDir, "node_modules", "claude-max-api-proxy", "dist", "server", "standalone.js");
if (File.Exists(peerEntry))
{
    var port = FreePort();
    var start = new ProcessStartInfo("node") { WorkingDirectory = home, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
    start.ArgumentList.Add(peerEntry);
    start.ArgumentList.Add(port.ToString(CultureInfo.InvariantCulture));
    start.Environment["PATH"] = Path.GetDirectoryName(claude) + ":" + Environment.GetEnvironmentVariable("PATH");
    foreach (var (key, value) in cliEnvironment)
    {
        if (value is null || (peerAsShipped && key == "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC"))
        {
            start.Environment.Remove(key);
        }
        else
        {
            start.Environment[key] = value;
        }
    }

    await RunTargetAsync(peerAsShipped ? "claude-max-api-proxy@1.0.0 (npm peer, as shipped)" : "claude-max-api-proxy@1.0.0 (npm peer)", start, $"http://127.0.0.1:{port}", warmUpDelay: TimeSpan.Zero);
}
else
{
    report.AppendLine($"The peer was not run: {peerEntry} is missing. Install it with: mkdir -p {peerDir} && cd {peerDir} && npm install claude-max-api-proxy@1.0.0");
}

if (conversationMode)
{
    ConversationBenchmark.Print(conversationResults, turnsPerConversation);
    var remaining = seenCliProcesses.Where(IsAlive).ToList();
    Console.WriteLine($"Claude CLI processes seen under the servers: {seenCliProcesses.Count}; still running after the run: {remaining.Count}");
    Console.Write(report);
    return remaining.Count == 0 ? 0 : 3;
}

Console.WriteLine();
Console.WriteLine("| server | concurrency | requests | errors | p50 ms | p95 ms | throughput req/s |");
Console.WriteLine("|---|---|---:|---:|---:|---:|---:|");
foreach (var r in results)
{
    var level = r.Paced ? string.Create(CultureInfo.InvariantCulture, $"1, paced ({pacedPause.TotalMilliseconds:F0} ms between requests)") : r.Concurrency.ToString(CultureInfo.InvariantCulture);
    var throughput = r.Paced ? "n/a" : r.Throughput.ToString("F2", CultureInfo.InvariantCulture);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {r.Target} | {level} | {r.Requests} | {r.Errors} | {r.P50:F0} | {r.P95:F0} | {throughput} |"));
}

foreach (var paced in new[] { true, false })
{
    var ours = results.FirstOrDefault(r => r.Concurrency == 1 && r.Paced == paced && r.Target.StartsWith("LlmConnectors", StringComparison.Ordinal));
    var peer = results.FirstOrDefault(r => r.Concurrency == 1 && r.Paced == paced && r.Target.StartsWith("claude-max", StringComparison.Ordinal));
    if (ours is not null && peer is not null)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"p50 at concurrency 1{(paced ? " paced" : " back-to-back")}: ours / peer = {ours.P50 / peer.P50:F3} (goal: at most 0.15)"));
    }
}

var survivors = seenCliProcesses.Where(IsAlive).ToList();
Console.WriteLine($"Claude CLI processes seen under the servers: {seenCliProcesses.Count}; still running after the run: {survivors.Count}{(survivors.Count > 0 ? " (" + string.Join(", ", survivors) + ")" : string.Empty)}");
Console.Write(report);
return survivors.Count == 0 ? 0 : 3;

async Task RunTargetAsync(string name, ProcessStartInfo start, string baseUrl, TimeSpan warmUpDelay)
{
    using var server = Process.Start(start)!;
    var output = new StringBuilder();
    server.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
    server.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
    server.BeginOutputReadLine();
    server.BeginErrorReadLine();
    using var sampling = new CancellationTokenSource();
    var sampler = Task.Run(() => SampleCliProcessesAsync([server.Id], seenCliProcesses, sampling.Token));

    using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(120) };
    try
    {
        if (!await WaitReadyAsync(http, baseUrl, server))
        {
            report.AppendLine($"{name} did not become ready; its output:\n{output}");
            return;
        }

        await Task.Delay(warmUpDelay);
        for (var i = 0; i < 3; i++)
        {
            await SendAsync(http, baseUrl);
        }

        if (conversationMode)
        {
            var benchmark = new ConversationBenchmark(http, baseUrl, server.Id, turnPause);
            var result = await benchmark.RunAsync(name, conversationCount, turnsPerConversation, toolRoundTrips);
            conversationResults.Add(result);
            Console.WriteLine(result.Summary());
            return;
        }

        // Concurrency 1 with a pause between requests: the latency one user sees on a quiet server (the CLI pool refills in the pause).
        {
            var paced = await RunLevelAsync(name, http, baseUrl, 1, pacedRequests, pacedPause);
            results.Add(paced with { Concurrency = 1, Paced = true });
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name} c=1 paced {pacedPause.TotalMilliseconds:F0} ms: {paced.Requests} requests, {paced.Errors} errors, p50 {paced.P50:F0} ms, p95 {paced.P95:F0} ms"));
        }

        foreach (var concurrency in levels)
        {
            await Task.Delay(warmUpDelay);
            results.Add(await RunLevelAsync(name, http, baseUrl, concurrency, requestsPerLevel[concurrency]));
            var last = results[^1];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name} c={concurrency}: {last.Requests} requests, {last.Errors} errors, p50 {last.P50:F0} ms, p95 {last.P95:F0} ms, {last.Throughput:F2} req/s"));
        }
    }
    finally
    {
        foreach (var pid in Descendants(server.Id, includeZombies: true).Where(IsClaude))
        {
            seenCliProcesses.Add(pid);
        }

        await sampling.CancelAsync();
        await sampler;
        if (!await StopAsync(server))
        {
            report.AppendLine($"{name} did not exit within 30 s of SIGTERM and was killed.");
        }

        // Give the kernel a moment to reap the CLI processes a server killed on its way out.
        for (var i = 0; i < 50 && seenCliProcesses.Any(IsAlive); i++)
        {
            await Task.Delay(100);
        }
    }
}

async Task<LevelResult> RunLevelAsync(string name, HttpClient http, string baseUrl, int concurrency, int total, TimeSpan pause = default)
{
    var latencies = new List<double>();
    var errors = 0;
    var next = 0;
    using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(maxSecondsPerLevel));
    var clock = Stopwatch.StartNew();
    var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
    {
        while (!deadline.IsCancellationRequested && Interlocked.Increment(ref next) <= total)
        {
            if (pause > TimeSpan.Zero)
            {
                await Task.Delay(pause);
            }

            var started = Stopwatch.GetTimestamp();
            var ok = await SendAsync(http, baseUrl);
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            lock (latencies)
            {
                if (ok)
                {
                    latencies.Add(elapsed);
                }
                else
                {
                    errors++;
                }
            }
        }
    })).ToArray();
    await Task.WhenAll(workers);
    clock.Stop();
    latencies.Sort();
    return new LevelResult(name, concurrency, latencies.Count + errors, errors, Percentile(latencies, 0.50), Percentile(latencies, 0.95), latencies.Count / clock.Elapsed.TotalSeconds, Paced: pause > TimeSpan.Zero);
}

static async Task<bool> SendAsync(HttpClient http, string baseUrl)
{
    try
    {
        using var content = new StringContent("""{"model":"sonnet","messages":[{"role":"user","content":"Say hello"}]}""", Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(baseUrl + "/v1/chat/completions", content);
        var body = await response.Content.ReadAsStringAsync();
        return response.StatusCode == HttpStatusCode.OK && body.Contains("Hello world", StringComparison.Ordinal);
    }
    catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
    {
        return false;
    }
}

string? Arg(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}

internal sealed record LevelResult(string Target, int Concurrency, int Requests, int Errors, double P50, double P95, double Throughput, bool Paced = false);
