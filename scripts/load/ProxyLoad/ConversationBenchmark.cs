using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LlmConnectors.TestServers.Anthropic;

/// <summary>
/// Conversations as OpenAI clients hold them (the whole history sent every turn, the returned <c>content</c> appended), tool
/// round trips (a request with <c>tools</c> answered with <c>tool_calls</c>, then the same history with the <c>tool</c> message),
/// and the CPU seconds the server's process tree spent, one conversation and one round trip at a time.
/// </summary>
internal sealed class ConversationBenchmark(HttpClient http, string baseUrl, int serverPid, TimeSpan pause)
{
    private const string Weather = """{"type":"function","function":{"name":"get_weather","description":"Gets the current weather of a city.","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}""";

    /// <summary>
    /// The scripted backend's answer: a <c>tool_use</c> of the offered function, the answer to its result, or "Hello world".
    /// </summary>
    public static ScriptedAnthropicReply Reply(ReceivedAnthropicRequest request)
    {
        if (request.ConversationMessages.Count > 0 && request.ConversationMessages[^1].Blocks("tool_result").Count > 0)
        {
            return ScriptedAnthropicReply.Text("Sunny ", "in Lyon.");
        }

        return request.Tools.Contains("mcp__pack__get_weather")
            ? ScriptedAnthropicReply.ToolUse(string.Empty, ("toolu_" + Guid.NewGuid().ToString("N")[..16], "mcp__pack__get_weather", """{"city":"Lyon"}"""))
            : ScriptedAnthropicReply.Text("Hello ", "world");
    }

    public async Task<ConversationResult> RunAsync(string name, int conversations, int turns, int roundTrips)
    {
        var loadBefore = File.ReadAllText("/proc/loadavg").Trim();
        var perTurn = Enumerable.Range(0, turns).Select(_ => new List<double>()).ToArray();
        var errors = 0;
        var cpuStart = ProcTree.CpuSeconds(serverPid);
        for (var c = 0; c < conversations; c++)
        {
            var messages = new JsonArray();
            for (var t = 0; t < turns; t++)
            {
                await Task.Delay(pause);
                messages.Add(new JsonObject { ["role"] = "user", ["content"] = $"Conversation {c}, turn {t + 1}: say hello." });
                var (elapsed, response) = await PostAsync(new JsonObject { ["model"] = "sonnet", ["messages"] = messages.DeepClone() });
                var content = response?["choices"]?[0]?["message"]?["content"]?.GetValue<string>();
                if (content != "Hello world")
                {
                    errors++;
                    break;
                }

                perTurn[t].Add(elapsed);
                messages.Add(new JsonObject { ["role"] = "assistant", ["content"] = content });
            }
        }

        var turnsServed = perTurn.Sum(l => l.Count);
        var cpuPerTurn = (ProcTree.CpuSeconds(serverPid) - cpuStart) / Math.Max(1, turnsServed);

        var roundTripLatencies = new List<double>();
        var toolErrors = 0;
        var toolsSupported = true;
        cpuStart = ProcTree.CpuSeconds(serverPid);
        for (var i = 0; i < roundTrips && toolsSupported; i++)
        {
            await Task.Delay(pause);
            var messages = new JsonArray { new JsonObject { ["role"] = "user", ["content"] = $"Round trip {i}: weather in Lyon?" } };
            var tools = JsonNode.Parse("[" + Weather + "]");
            var (first, calls) = await PostAsync(new JsonObject { ["model"] = "sonnet", ["messages"] = messages.DeepClone(), ["tools"] = tools!.DeepClone() });
            var choice = calls?["choices"]?[0];
            if (choice?["finish_reason"]?.GetValue<string>() != "tool_calls" || choice["message"]?["tool_calls"]?[0]?["id"]?.GetValue<string>() is not { } callId)
            {
                // The server answered without calling the function: it does not offer the client's tools to the model.
                toolsSupported = choice?["message"]?["content"] is null;
                toolErrors += toolsSupported ? 1 : 0;
                break;
            }

            messages.Add(choice["message"]!.DeepClone());
            messages.Add(new JsonObject { ["role"] = "tool", ["tool_call_id"] = callId, ["content"] = "sunny, 21 C" });
            var (second, answer) = await PostAsync(new JsonObject { ["model"] = "sonnet", ["messages"] = messages.DeepClone(), ["tools"] = tools.DeepClone() });
            if (answer?["choices"]?[0]?["message"]?["content"]?.GetValue<string>() != "Sunny in Lyon.")
            {
                toolErrors++;
                continue;
            }

            roundTripLatencies.Add(first + second);
        }

        var cpuPerRoundTrip = (ProcTree.CpuSeconds(serverPid) - cpuStart) / Math.Max(1, roundTripLatencies.Count);
        var loadAfter = File.ReadAllText("/proc/loadavg").Trim();
        return new ConversationResult(name, perTurn, errors, cpuPerTurn, toolsSupported, roundTripLatencies, toolErrors, cpuPerRoundTrip, loadBefore, loadAfter);
    }

    public static void Print(List<ConversationResult> results, int turns)
    {
        Console.WriteLine();
        var turnHeads = string.Join(" | ", Enumerable.Range(1, turns).Select(t => $"turn {t}"));
        Console.WriteLine($"| server | conversations | {turnHeads} | p50 per turn, all turns | CPU s per turn | tool round trip p50 | CPU s per round trip | errors | load average before / after |");
        Console.WriteLine($"|---|---:|{string.Concat(Enumerable.Repeat("---:|", turns))}---:|---:|---:|---:|---:|---|");
        foreach (var r in results)
        {
            var perTurn = string.Join(" | ", r.PerTurn.Select(l => Format(Percentile(l, 0.5))));
            var tool = r.ToolsSupported ? Format(Percentile(r.RoundTrips, 0.5)) + $" ({r.RoundTrips.Count})" : "not supported";
            var toolCpu = r.ToolsSupported ? r.CpuPerRoundTrip.ToString("F3", CultureInfo.InvariantCulture) : "n/a";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {r.Target} | {r.PerTurn[0].Count} | {perTurn} | {Format(r.AllTurnsP50)} | {r.CpuPerTurn:F3} | {tool} | {toolCpu} | {r.Errors + r.ToolErrors} | {r.LoadBefore} / {r.LoadAfter} |"));
        }

        var ours = results.FirstOrDefault(r => r.Target.StartsWith("LlmConnectors", StringComparison.Ordinal));
        var peer = results.FirstOrDefault(r => r.Target.StartsWith("claude-max", StringComparison.Ordinal));
        if (ours is not null && peer is not null)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"p50 per turn of a {turns}-turn conversation: ours / peer = {ours.AllTurnsP50 / peer.AllTurnsP50:F3} (goal: at most 0.1); turns 2-{turns}: {ours.LaterTurnsP50 / peer.LaterTurnsP50:F3}; CPU per turn: {ours.CpuPerTurn / peer.CpuPerTurn:F3}"));
        }
    }

    private static string Format(double ms) => double.IsNaN(ms) ? "n/a" : ms.ToString("F0", CultureInfo.InvariantCulture) + " ms";

    internal static double Percentile(IEnumerable<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    private async Task<(double ElapsedMs, JsonNode? Body)> PostAsync(JsonObject body)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
            using var response = await http.PostAsync(baseUrl + "/v1/chat/completions", content);
            var text = await response.Content.ReadAsStringAsync();
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            return (elapsed, response.StatusCode == HttpStatusCode.OK ? JsonNode.Parse(text) : null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            return (Stopwatch.GetElapsedTime(started).TotalMilliseconds, null);
        }
    }
}

internal sealed record ConversationResult(
    string Target, List<double>[] PerTurn, int Errors, double CpuPerTurn, bool ToolsSupported, List<double> RoundTrips, int ToolErrors,
    double CpuPerRoundTrip, string LoadBefore, string LoadAfter)
{
    public double AllTurnsP50 => ConversationBenchmark.Percentile(PerTurn.SelectMany(l => l), 0.5);

    public double LaterTurnsP50 => ConversationBenchmark.Percentile(PerTurn.Skip(1).SelectMany(l => l), 0.5);

    public string Summary() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Target}: {PerTurn.Sum(l => l.Count)} turns, {Errors} errors, p50 per turn {AllTurnsP50:F0} ms (turns 2+: {LaterTurnsP50:F0} ms), {CpuPerTurn:F3} CPU-s per turn; tool round trips: {(ToolsSupported ? $"{RoundTrips.Count}, p50 {ConversationBenchmark.Percentile(RoundTrips, 0.5):F0} ms, {CpuPerRoundTrip:F3} CPU-s each" : "not supported")}; load {LoadBefore} -> {LoadAfter}");
}
