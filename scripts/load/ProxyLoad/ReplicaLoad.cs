// Two proxy replicas sharing one redis-server on loopback, over the same pinned Claude CLI and an instant scripted Anthropic
// backend: shows answers one replica put in the shared cache being served by the other, and one caller's request limit holding
// across both. Bounded in request count and time; every process started (redis-server, replicas, CLI processes) is stopped, and
// the run fails if one survives or if any request gets an answer it should not.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using LlmConnectors.TestServers.Anthropic;
using static LlmConnectors.TestServers.ProcessTree;
using static LoadSupport;

internal static partial class ReplicaLoad
{
    private const string CacheKey = "load-cache-caller-0123456789abcdef";
    private const string LimitKey = "load-limit-caller-0123456789abcdef";
    private static readonly string[] RedisServerPaths = ["/usr/bin/redis-server", "/usr/local/bin/redis-server"];

    public static async Task<int> RunAsync(string[] args)
    {
        var configuration = Arg(args, "--configuration") ?? "Release";
        var prompts = int.Parse(Arg(args, "--prompts") ?? "24", CultureInfo.InvariantCulture);
        var limit = int.Parse(Arg(args, "--limit") ?? "100", CultureInfo.InvariantCulture);
        var limitRequests = int.Parse(Arg(args, "--limit-requests") ?? "160", CultureInfo.InvariantCulture);
        var concurrency = int.Parse(Arg(args, "--concurrency") ?? "8", CultureInfo.InvariantCulture);
        var root = FindRepositoryRoot();
        var claude = Path.Combine(root, "tools", "node", "node_modules", ".bin", "claude");
        var proxyDll = Path.Combine(root, "src", "LlmConnectors.ClaudeProxy", "bin", configuration, "net10.0", "LlmConnectors.ClaudeProxy.dll");
        var redisServer = RedisServerPaths.FirstOrDefault(File.Exists);
        if (!File.Exists(claude) || !File.Exists(proxyDll) || redisServer is null)
        {
            Console.Error.WriteLine($"Needed: the pinned CLI ({claude}: cd tools/node && npm ci), the proxy built ({proxyDll}: dotnet build src/LlmConnectors.ClaudeProxy -c {configuration}), redis-server (apt-get install -y redis-server).");
            return 1;
        }

        await using var backend = await ScriptedAnthropicServer.StartAsync();
        backend.DefaultReply = request => ScriptedAnthropicReply.Text(request.ConversationMessages is [.., var last] && Marker().Match(last.Text) is { Success: true } m ? "Answer to " + m.Value : "No marker");
        var home = Directory.CreateTempSubdirectory("llmc-replica-load-home-").FullName;
        var cliEnvironment = CliEnvironment(home, backend.BaseUrl);
        var redisPort = FreePort();
        var started = new List<Process>();
        var seenCli = new HashSet<int>();
        var problems = new List<string>();
        var rows = new List<string>();
        try
        {
            Start(new ProcessStartInfo(redisServer) { ArgumentList = { "--port", redisPort.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", string.Empty, "--appendonly", "no", "--dir", home }, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true }, started);
            var replicas = new List<string>();
            foreach (var name in new[] { "a", "b" })
            {
                var port = FreePort();
                var start = ProxyStartInfo(proxyDll, port, claude, cliEnvironment);
                start.Environment["ClaudeProxy__Redis"] = $"127.0.0.1:{redisPort}";
                start.Environment["ClaudeProxy__ResponseCache__Enabled"] = "true";
                start.Environment["ClaudeProxy__RateLimit__RequestsPerWindow"] = limit.ToString(CultureInfo.InvariantCulture);
                start.Environment["ClaudeProxy__RateLimit__Window"] = "00:10:00";
                start.Environment["ClaudeProxy__ApiKeys__0"] = CacheKey;
                start.Environment["ClaudeProxy__ApiKeys__1"] = LimitKey;
                start.Environment["ClaudeProxy__Cli__WarmPoolSize"] = "2";
                Start(start, started);
                replicas.Add($"http://127.0.0.1:{port}");
            }

            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(120) };
            for (var i = 0; i < replicas.Count; i++)
            {
                if (!await WaitReadyAsync(http, replicas[i], started[i + 1]))
                {
                    problems.Add($"replica {i} did not become ready");
                    return 2;
                }
            }

            using var sampling = new CancellationTokenSource();
            var sampler = SampleCliProcessesAsync(started.Skip(1).Select(p => p.Id).ToList(), seenCli, sampling.Token);
            var questions = Enumerable.Range(0, prompts).Select(i => $"q-{Guid.NewGuid():N}").ToList();

            // 1. Replica a answers every question from the model and fills the cache; 2. replica b serves them all from it;
            // 3. both replicas, alternating, serve them again.
            var fill = await RunAsync(http, replicas, questions.Select(q => (0, CacheKey, q)).ToList(), concurrency / 2);
            var served = await RunAsync(http, replicas, questions.Select(q => (1, CacheKey, q)).ToList(), concurrency / 2);
            var mixed = await RunAsync(http, replicas, questions.Select((q, i) => (i % 2, CacheKey, q)).ToList(), concurrency);
            var backendAfterCache = ConversationRequests(backend);

            // 4. One caller sends more than its limit, alternating replicas: exactly the limit is served, all replicas together.
            var limitQuestion = $"q-{Guid.NewGuid():N}";
            var limited = await RunAsync(http, replicas, Enumerable.Range(0, limitRequests).Select(i => (i % 2, LimitKey, limitQuestion)).ToList(), concurrency);

            await sampling.CancelAsync();
            await sampler;
            rows.Add(Row("1. fill: replica a, distinct questions, temperature 0", fill));
            rows.Add(Row("2. serve: replica b, the same questions", served));
            rows.Add(Row("3. both replicas alternating, the same questions", mixed));
            rows.Add(Row($"4. one caller, limit {limit} per 10 min, alternating replicas", limited));
            Check(fill.Misses == prompts, $"fill: {fill.Misses} misses of {prompts}", problems);
            Check(served.Hits == prompts, $"serve: {served.Hits} hits of {prompts}", problems);
            Check(mixed.Hits == prompts, $"mixed: {mixed.Hits} hits of {prompts}", problems);
            Check(backendAfterCache == prompts, $"backend saw {backendAfterCache} conversations for {prompts} questions", problems);
            Check(limited.Ok == limit && limited.Refused == limitRequests - limit, $"limit: {limited.Ok} served, {limited.Refused} refused", problems);
            Check(fill.Errors + served.Errors + mixed.Errors + limited.Errors == 0, "a request failed or got a wrong answer", problems);
            Console.WriteLine($"backend conversations: {ConversationRequests(backend)} (questions: {prompts} + 1)");
        }
        finally
        {
            foreach (var process in started.AsEnumerable().Reverse())
            {
                await StopAsync(process);
            }

            for (var i = 0; i < 50 && seenCli.Any(IsAlive); i++)
            {
                await Task.Delay(100);
            }

            var survivors = seenCli.Where(IsAlive).Concat(started.Where(p => IsAlive(p.Id)).Select(p => p.Id)).ToList();
            Console.WriteLine($"processes started: redis-server + {started.Count - 1} replicas + {seenCli.Count} Claude CLI processes seen; still running: {survivors.Count}");
            if (survivors.Count > 0)
            {
                problems.Add("processes survived: " + string.Join(", ", survivors));
            }

            Directory.Delete(home, recursive: true);
        }

        Console.WriteLine();
        Console.WriteLine("| phase | requests | served by a / b | cache hit / miss | 429 | errors | p50 ms | p95 ms |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        rows.ForEach(Console.WriteLine);
        foreach (var problem in problems)
        {
            Console.Error.WriteLine("PROBLEM: " + problem);
        }

        return problems.Count == 0 ? 0 : 3;
    }

    private static Process Start(ProcessStartInfo start, List<Process> started)
    {
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        started.Add(process);
        return process;
    }

    private static async Task<Phase> RunAsync(HttpClient http, List<string> replicas, List<(int Replica, string Key, string Question)> requests, int concurrency)
    {
        var phase = new Phase();
        var next = -1;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var workers = Enumerable.Range(0, Math.Max(1, concurrency)).Select(_ => Task.Run(async () =>
        {
            int index;
            while (!deadline.IsCancellationRequested && (index = Interlocked.Increment(ref next)) < requests.Count)
            {
                var (replica, key, question) = requests[index];
                var started = Stopwatch.GetTimestamp();
                var outcome = await SendAsync(http, replicas[replica], key, question);
                lock (phase)
                {
                    phase.Record(replica, outcome, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
            }
        })).ToArray();
        await Task.WhenAll(workers);
        return phase;
    }

    private static async Task<string> SendAsync(HttpClient http, string replica, string key, string question)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, replica + "/v1/chat/completions")
            {
                Content = new StringContent($$"""{"model":"sonnet","temperature":0,"messages":[{"role":"user","content":"Please answer {{question}}"}]}""", Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            using var response = await http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.TooManyRequests && response.Headers.RetryAfter?.Delta is { } retry && retry > TimeSpan.Zero && body.Contains("rate_limit_exceeded", StringComparison.Ordinal))
            {
                return "429";
            }

            var cache = response.Headers.TryGetValues("X-ClaudeProxy-Cache", out var values) ? values.First() : "none";
            return response.StatusCode == HttpStatusCode.OK && body.Contains("Answer to " + question, StringComparison.Ordinal) ? cache : "error";
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return "error";
        }
    }

    private static int ConversationRequests(ScriptedAnthropicServer backend) =>
        backend.Requests.Count(r => r.ConversationMessages.Any(m => Marker().IsMatch(m.Text)));

    private static string Row(string name, Phase p) => string.Create(
        CultureInfo.InvariantCulture,
        $"| {name} | {p.Requests} | {p.ByReplica.GetValueOrDefault(0)} / {p.ByReplica.GetValueOrDefault(1)} | {p.Hits} / {p.Misses} | {p.Refused} | {p.Errors} | {Percentile(p.SortedLatencies(), 0.5):F1} | {Percentile(p.SortedLatencies(), 0.95):F1} |");

    private static void Check(bool condition, string what, List<string> problems)
    {
        if (!condition)
        {
            problems.Add(what);
        }
    }

    private static string? Arg(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    [GeneratedRegex("q-[0-9a-f]{32}")]
    private static partial Regex Marker();

    private sealed class Phase
    {
        private readonly List<double> _latencies = [];

        public int Requests { get; private set; }

        public int Hits { get; private set; }

        public int Misses { get; private set; }

        public int Refused { get; private set; }

        public int Errors { get; private set; }

        public int Ok => Hits + Misses;

        public Dictionary<int, int> ByReplica { get; } = [];

        public void Record(int replica, string outcome, double milliseconds)
        {
            Requests++;
            switch (outcome)
            {
                case "hit": Hits++; break;
                case "miss": Misses++; break;
                case "429": Refused++; return;
                default: Errors++; return;
            }

            _latencies.Add(milliseconds);
            ByReplica[replica] = ByReplica.GetValueOrDefault(replica) + 1;
        }

        public List<double> SortedLatencies() => [.. _latencies.Order()];
    }
}
