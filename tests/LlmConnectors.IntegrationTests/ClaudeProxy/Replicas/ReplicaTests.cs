using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using LlmConnectors.ClaudeProxy.Replicas;
using LlmConnectors.TestServers.Anthropic;
using StackExchange.Redis;

namespace LlmConnectors.IntegrationTests.ClaudeProxy.Replicas;

/// <summary>
/// Several replicas, one state: two real proxy processes behind YARP share a real Redis for the response cache and the per-key rate
/// limit, and a conversation continues correctly on whichever replica its next turn lands.
/// </summary>
public sealed class ReplicaTests(ReplicaClusterFixture cluster) : IClassFixture<ReplicaClusterFixture>
{
    private const string CacheHeader = "X-ClaudeProxy-Cache";
    private const string ConversationHeader = "X-ClaudeProxy-Conversation";

    [Fact]
    public async Task ResponseCache_FilledByOneReplica_IsServedByTheOtherFromRedis()
    {
        var question = NewQuestion();
        var body = Request(question, temperature: 0);

        var first = await SendAsync(ReplicaClusterFixture.Keys[0], body);
        var second = await SendAsync(ReplicaClusterFixture.Keys[0], body);

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.NotEqual(first.Replica, second.Replica);
        Assert.Equal(("miss", "hit"), (first.Cache, second.Cache));
        Assert.Equal(Answer(question), Content(first.Body));
        Assert.Equal(Answer(question), Content(second.Body));
        Assert.Equal(1, BackendRequestsMentioning(question));
    }

    [Fact]
    public async Task ResponseCache_Streamed_IsReplayedAsAStreamByTheOtherReplica()
    {
        var question = NewQuestion();
        var body = Request(question, temperature: 0, stream: true);

        var first = await SendAsync(ReplicaClusterFixture.Keys[1], body);
        var second = await SendAsync(ReplicaClusterFixture.Keys[1], body);

        Assert.NotEqual(first.Replica, second.Replica);
        Assert.Equal(("miss", "hit"), (first.Cache, second.Cache));
        Assert.Equal("text/event-stream", second.ContentType);
        Assert.Equal(Answer(question), StreamedContent(first.Body));
        Assert.Equal(Answer(question), StreamedContent(second.Body));
        Assert.EndsWith("data: [DONE]", second.Body.TrimEnd(), StringComparison.Ordinal);
        Assert.Equal(1, BackendRequestsMentioning(question));
    }

    [Fact]
    public async Task ResponseCache_TwoApiKeys_DoNotShareAnswers()
    {
        var question = NewQuestion();
        var body = Request(question, temperature: 0);

        var firstKey = await SendAsync(ReplicaClusterFixture.Keys[2], body);
        var secondKey = await SendAsync(ReplicaClusterFixture.Keys[3], body);
        var firstKeyAgain = await SendAsync(ReplicaClusterFixture.Keys[2], body);

        Assert.Equal(("miss", "miss", "hit"), (firstKey.Cache, secondKey.Cache, firstKeyAgain.Cache));
        Assert.Equal(2, BackendRequestsMentioning(question));
        Assert.All([firstKey, secondKey, firstKeyAgain], r => Assert.Equal(Answer(question), Content(r.Body)));
    }

    [Fact]
    public async Task ResponseCache_SampledRequest_IsNotCached()
    {
        var question = NewQuestion();
        var body = Request(question, temperature: null);

        var first = await SendAsync(ProxyProcess.ApiKey, body);
        var second = await SendAsync(ProxyProcess.ApiKey, body);

        Assert.Equal(("bypass", "bypass"), (first.Cache, second.Cache));
        Assert.Equal(2, BackendRequestsMentioning(question));
    }

    [Fact]
    public async Task RateLimit_SharedByBothReplicas_RefusesTheRequestOverTheLimitWith429()
    {
        var key = ReplicaClusterFixture.Keys[4];
        var body = Request(NewQuestion(), temperature: 0);
        var served = new List<Reply>();
        for (var i = 0; i < ReplicaClusterFixture.RequestsPerWindow; i++)
        {
            served.Add(await SendAsync(key, body));
        }

        var refused = new[] { await SendAsync(key, body), await SendAsync(key, body) };

        Assert.All(served, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        // Round robin: each replica served half of the limit, so neither could have enforced it alone.
        Assert.Equal(ReplicaClusterFixture.RequestsPerWindow / 2, served.Count(r => r.Replica == "a"));
        Assert.Equal(ReplicaClusterFixture.RequestsPerWindow / 2, served.Count(r => r.Replica == "b"));
        Assert.Equal(["a", "b"], refused.Select(r => r.Replica).Order());
        foreach (var refusal in refused)
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refusal.Status);
            Assert.True(refusal.RetryAfterSeconds is > 0 and <= 3600, $"Retry-After is {refusal.RetryAfterSeconds}.");
            using var error = JsonDocument.Parse(refusal.Body);
            ProxyTestHelpers.AssertError(error.RootElement, "rate_limit_exceeded", expectedType: "rate_limit_error");
        }

        // Another key is not affected.
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(ProxyProcess.ApiKey, Request(NewQuestion(), temperature: 0))).Status);
    }

    [Fact]
    public async Task Conversation_ContinuedOnTheOtherReplica_IsReplayedWithItsWholeHistory()
    {
        var marker = NewQuestion();
        var opening = $"My name is Ada. Remember it ({marker}).";
        var firstTurn = await SendAsync(ProxyProcess.ApiKey, Conversation(opening));
        var firstAnswer = Content(firstTurn.Body) ?? string.Empty;
        var secondTurn = await SendAsync(ProxyProcess.ApiKey, Conversation(opening, firstAnswer, "What is my name?"));
        var other = await SendAsync(ProxyProcess.ApiKey, Conversation($"My name is Bob ({NewQuestion()})."));

        Assert.Equal(HttpStatusCode.OK, secondTurn.Status);
        Assert.NotEqual(firstTurn.Replica, secondTurn.Replica);
        Assert.Equal("Your name is Ada.", Content(secondTurn.Body));
        var replayed = cluster.Backend.Requests.Last(r => r.ConversationMessages.Count > 0 && r.ConversationMessages[^1].Text.Contains("What is my name?", StringComparison.Ordinal));
        Assert.Equal(["user", "assistant", "user"], replayed.ConversationMessages.Select(m => m.Role));
        Assert.Contains(marker, replayed.ConversationMessages[0].Text, StringComparison.Ordinal);
        Assert.Equal(firstAnswer, replayed.ConversationMessages[1].Text);

        // The affinity key a load balancer may hash on: the same for every turn of a conversation, another for another conversation.
        Assert.Matches("^[0-9a-f]{32}$", firstTurn.Conversation);
        Assert.Equal(firstTurn.Conversation, secondTurn.Conversation);
        Assert.NotEqual(firstTurn.Conversation, other.Conversation);
    }

    [Fact]
    public async Task Conversation_ToolResultsLandingOnTheOtherReplica_AreAnsweredByReplayingTheConversation()
    {
        // The replica that returned the call parks its CLI process on it; the results go to the other replica, which has no such
        // process and replays the conversation to the model instead.
        var key = ReplicaClusterFixture.Keys[5];
        var marker = NewQuestion();
        cluster.Backend.Enqueue(
            ScriptedAnthropicReply.ToolUse(string.Empty, ("toolu_replica1", "mcp__pack__get_weather", """{"city":"Lyon"}""")),
            ScriptedAnthropicReply.Text("Sunny in Lyon."));
        using var schema = JsonDocument.Parse("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""");
        var tools = new[] { new { type = "function", function = new { name = "get_weather", description = "Gets the weather of a city.", parameters = schema.RootElement } } };
        var question = new { role = "user", content = $"Weather in Lyon? ({marker})" };

        var first = await SendAsync(key, JsonSerializer.Serialize(new { model = "sonnet", messages = new object[] { question }, tools }));
        using var firstBody = JsonDocument.Parse(first.Body);
        var call = firstBody.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("tool_calls")[0];
        var results = new object[]
        {
            question,
            new { role = "assistant", content = (string?)null, tool_calls = new[] { call } },
            new { role = "tool", tool_call_id = call.GetProperty("id").GetString(), content = "sunny, 21 C" },
        };
        var second = await SendAsync(key, JsonSerializer.Serialize(new { model = "sonnet", messages = results, tools }));

        Assert.Equal("get_weather", call.GetProperty("function").GetProperty("name").GetString());
        Assert.NotEqual(first.Replica, second.Replica);
        Assert.Equal("Sunny in Lyon.", Content(second.Body));
        Assert.Equal(first.Conversation, second.Conversation);
        var replayed = cluster.Backend.Requests.Last(r => r.ConversationMessages.Any(m => m.Text.Contains(marker, StringComparison.Ordinal)));
        Assert.Equal(["user", "assistant", "user"], replayed.ConversationMessages.Select(m => m.Role));
        Assert.Equal("toolu_replica1", Assert.Single(replayed.ConversationMessages[1].Blocks("tool_use")).GetProperty("id").GetString());
        Assert.Contains("sunny, 21 C", Assert.Single(replayed.ConversationMessages[2].Blocks("tool_result")).GetProperty("content").GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Redis_HoldsNoApiKey_OnlyHashesOfThem()
    {
        var key = ReplicaClusterFixture.Keys[2];
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(key, Request(NewQuestion(), temperature: 0))).Status);

        await using var redis = await ConnectionMultiplexer.ConnectAsync(cluster.Redis.ConnectionString);
        var stored = redis.GetServer(redis.GetEndPoints()[0]).Keys(pattern: "*").Select(k => k.ToString()).ToList();

        Assert.Contains(stored, k => k.StartsWith("llmc-proxy:cache:", StringComparison.Ordinal));
        Assert.Contains(stored, k => k.Contains("llmc-proxy:requests:" + CallerPartition.Hash(key), StringComparison.Ordinal));
        Assert.All(stored, k => Assert.Contains("llmc-proxy:", k, StringComparison.Ordinal));
        foreach (var apiKey in ReplicaClusterFixture.Keys.Append(ProxyProcess.ApiKey))
        {
            Assert.DoesNotContain(stored, k => k.Contains(apiKey, StringComparison.Ordinal));
        }
    }

    private static string NewQuestion() => "q-" + Guid.NewGuid().ToString("N");

    private static string Answer(string question) => "Answer to " + question;

    private static string Request(string question, double? temperature, bool stream = false) =>
        JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["model"] = "sonnet",
            ["messages"] = new[] { new { role = "user", content = $"Please answer {question}" } },
            ["stream"] = stream,
        }.Concat(temperature is { } t ? [new("temperature", t)] : []).ToDictionary());

    private static string Conversation(params string[] turns) =>
        JsonSerializer.Serialize(new
        {
            model = "sonnet",
            messages = turns.Select((text, i) => new { role = i % 2 == 0 ? "user" : "assistant", content = text }),
        });

    private static string? Content(string body)
    {
        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString();
    }

    private static string StreamedContent(string body)
    {
        var text = new StringBuilder();
        foreach (var data in ProxyTestHelpers.ReadSseData(body).Where(d => d != "[DONE]"))
        {
            using var chunk = JsonDocument.Parse(data);
            if (chunk.RootElement.GetProperty("choices") is { ValueKind: JsonValueKind.Array } choices && choices.GetArrayLength() > 0 &&
                choices[0].GetProperty("delta").TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String)
            {
                text.Append(content.GetString());
            }
        }

        return text.ToString();
    }

    private int BackendRequestsMentioning(string question) =>
        cluster.Backend.Requests.Count(r => r.ConversationMessages.Any(m => m.Text.Contains(question, StringComparison.Ordinal)));

    private async Task<Reply> SendAsync(string key, string body)
    {
        using var http = new HttpClient { BaseAddress = new Uri(cluster.FrontUrl) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await http.PostAsync("/v1/chat/completions", content, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, $"HTTP {(int)response.StatusCode}: {text}");
        return new Reply(
            response.StatusCode,
            text,
            response.Content.Headers.ContentType?.MediaType,
            Header(response, ReplicaClusterFixture.ReplicaHeader),
            Header(response, CacheHeader),
            Header(response, ConversationHeader),
            response.Headers.RetryAfter?.Delta is { } delta ? (int)delta.TotalSeconds : null);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(',', values) : null;

    private sealed record Reply(HttpStatusCode Status, string Body, string? ContentType, string? Replica, string? Cache, string? Conversation, int? RetryAfterSeconds);
}
