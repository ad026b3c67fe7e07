using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using LlmConnectors.ClaudeProxy.Configuration;
using LlmConnectors.IntegrationTests.Samples;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using static LlmConnectors.IntegrationTests.ClaudeProxy.ProxyTestHelpers;

namespace LlmConnectors.IntegrationTests.ClaudeProxy.Replicas;

/// <summary>The replica settings on one in-process proxy: several API keys, and what a Redis that cannot be reached does (invalid values: AuthenticationAndHostTests).</summary>
public class ReplicaSettingsTests
{
    private const string SecondKey = "second-caller-key-0123456789";
    private const string Deterministic = """{"model":"sonnet","temperature":0,"messages":[{"role":"user","content":"Hi"}]}""";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A Redis address nothing listens on, with a short connect timeout.</summary>
    private static string UnreachableRedis => $"127.0.0.1:{BackgroundProgram.FreePort()},connectTimeout=300";

    [Fact]
    public void OptionsValidator_NonLoopbackWithApiKeysOnly_IsValid()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["urls"] = "http://0.0.0.0:3010",
            ["ClaudeProxy:ApiKeys:0"] = SecondKey,
            ["ClaudeProxy:AllowedHosts:0"] = "*",
        }).Build();
        var options = new ClaudeProxyOptions();
        configuration.GetSection(ClaudeProxyOptions.SectionName).Bind(options);

        Assert.True(new ClaudeProxyOptionsValidator(configuration).Validate(null, options).Succeeded);
    }

    [Fact]
    public async Task ApiKeys_EveryConfiguredKey_IsAcceptedAndNoOther()
    {
        await using var factory = new ProxyFactory(new() { ["ClaudeProxy:ApiKey"] = ProxyFactory.ApiKey, ["ClaudeProxy:ApiKeys:0"] = SecondKey });

        Assert.Equal(HttpStatusCode.OK, await StatusWithKeyAsync(factory, ProxyFactory.ApiKey));
        Assert.Equal(HttpStatusCode.OK, await StatusWithKeyAsync(factory, SecondKey));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithKeyAsync(factory, "third-key-not-configured-0123"));
    }

    [Fact]
    public async Task ResponseCache_Off_SendsNoCacheHeaderButTheConversationKey()
    {
        await using var factory = new ProxyFactory();
        using var client = factory.CreateClient();

        var (status, _, response) = await PostJsonAsync(client, Deterministic);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(response.Headers.Contains("X-ClaudeProxy-Cache"));
        Assert.Matches("^[0-9a-f]{32}$", Assert.Single(response.Headers.GetValues("X-ClaudeProxy-Conversation")));
    }

    [Fact]
    public async Task ResponseCache_RedisUnreachable_ServesEveryRequestFromTheModelAndWarns()
    {
        // Only this in-process test turns the cache on, so every response_cache measurement seen here is its own.
        var results = new List<string?>();
        using var meterListener = new MeterListener();
        meterListener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "LlmConnectors.ClaudeProxy" && instrument.Name == "llmconnectors.proxy.response_cache")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        meterListener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            lock (results)
            {
                results.Add(tags.ToArray().FirstOrDefault(t => t.Key == "llmconnectors.cache.result").Value as string);
            }
        });
        meterListener.Start();
        await using var factory = new ProxyFactory(new() { ["ClaudeProxy:Redis"] = UnreachableRedis, ["ClaudeProxy:ResponseCache:Enabled"] = "true" });
        using var client = factory.CreateClient();

        var first = await PostJsonAsync(client, Deterministic);
        var second = await PostJsonAsync(client, Deterministic);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (first.Status, second.Status));
        Assert.Equal("miss", Assert.Single(second.Response.Headers.GetValues("X-ClaudeProxy-Cache")));
        Assert.Equal(2, factory.Client.Calls);
        Assert.Contains(factory.Logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("response cache could not read Redis", StringComparison.Ordinal));
        lock (results)
        {
            Assert.Equal(["miss", "miss"], results);
        }
    }

    [Fact]
    public async Task RateLimit_RedisUnreachable_Answers503WithoutCallingTheModel()
    {
        await using var factory = new ProxyFactory(new() { ["ClaudeProxy:Redis"] = UnreachableRedis, ["ClaudeProxy:RateLimit:RequestsPerWindow"] = "5" });
        using var client = factory.CreateClient();

        var (status, body, response) = await PostJsonAsync(client, SimpleRequest);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        AssertError(body, "shared_state_unavailable", expectedType: "api_error");
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Equal(0, factory.Client.Calls);
    }

    private static async Task<HttpStatusCode> StatusWithKeyAsync(ProxyFactory factory, string key)
    {
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var content = new StringContent(SimpleRequest, Encoding.UTF8, "application/json");
        using var response = await client.PostAsync("/v1/chat/completions", content, Ct);
        return response.StatusCode;
    }
}
