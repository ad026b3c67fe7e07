using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using LlmConnectors.ClaudeProxy.Configuration;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static LlmConnectors.IntegrationTests.ClaudeProxy.ProxyTestHelpers;

namespace LlmConnectors.IntegrationTests.ClaudeProxy;

public class AuthenticationAndHostTests
{
    private static ProxyFactory WithKey() => new(new() { ["ClaudeProxy:ApiKey"] = ProxyFactory.ApiKey });

    [Fact]
    public async Task ApiKey_Missing_Returns401()
    {
        await using var factory = WithKey();
        using var client = factory.CreateClient();

        var (status, body, response) = await PostJsonAsync(client, SimpleRequest);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        AssertError(body, "missing_api_key");
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(0, factory.Client.Calls);
    }

    [Theory]
    [InlineData("wrong")]
    [InlineData("test-key-0123456789abcdeX")]
    [InlineData("test-key-0123456789abcdef0")]
    public async Task ApiKey_Wrong_Returns401WithoutEchoingIt(string key)
    {
        await using var factory = WithKey();
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);

        var (status, body, _) = await PostJsonAsync(client, SimpleRequest);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        AssertError(body, "invalid_api_key");
        Assert.DoesNotContain(key, body.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiKey_RightAsBearerOrXApiKey_IsAccepted()
    {
        await using var factory = WithKey();
        using var bearer = factory.CreateClient();
        bearer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ProxyFactory.ApiKey);
        using var xApiKey = factory.CreateClient();
        xApiKey.DefaultRequestHeaders.Add("x-api-key", ProxyFactory.ApiKey);

        Assert.Equal(HttpStatusCode.OK, (await PostJsonAsync(bearer, SimpleRequest)).Status);
        Assert.Equal(HttpStatusCode.OK, (await PostJsonAsync(xApiKey, SimpleRequest)).Status);
        Assert.Equal(HttpStatusCode.OK, (await xApiKey.GetAsync("/v1/models", TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task ApiKey_Configured_ModelsNeedItHealthDoesNot()
    {
        await using var factory = WithKey();
        using var client = factory.CreateClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/v1/models", TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health", TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready", TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task Models_List_ReturnsConfiguredModels()
    {
        await using var factory = new ProxyFactory(new() { ["ClaudeProxy:Models:team-default"] = "sonnet" });
        using var client = factory.CreateClient();

        var text = await client.GetStringAsync("/v1/models", TestContext.Current.CancellationToken);
        var body = JsonDocument.Parse(text).RootElement;

        Assert.Equal("list", body.GetProperty("object").GetString());
        var ids = body.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()).ToList();
        Assert.Contains("sonnet", ids);
        Assert.Contains("opus", ids);
        Assert.Contains("haiku", ids);
        Assert.Contains("team-default", ids);
        Assert.All(body.GetProperty("data").EnumerateArray(), m => Assert.Equal("model", m.GetProperty("object").GetString()));
    }

    [Fact]
    public async Task Models_GetOne_ReturnsItOr404()
    {
        await using var factory = new ProxyFactory();
        using var client = factory.CreateClient();

        var found = await client.GetAsync("/v1/models/haiku", TestContext.Current.CancellationToken);
        var missing = await client.GetAsync("/v1/models/gpt-4", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, found.StatusCode);
        Assert.Equal("haiku", JsonDocument.Parse(await found.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.GetProperty("id").GetString());
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        AssertError(JsonDocument.Parse(await missing.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement, "model_not_found", "model");
    }

    [Fact]
    public async Task Health_Live_ReturnsOk()
    {
        await using var factory = new ProxyFactory();
        using var client = factory.CreateClient();

        var text = await client.GetStringAsync("/health", TestContext.Current.CancellationToken);

        Assert.Equal("ok", JsonDocument.Parse(text).RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Health_ReadyWithCustomClient_ReportsItsMetadata()
    {
        await using var factory = new ProxyFactory();
        using var client = factory.CreateClient();

        var response = await client.GetAsync("/health/ready", TestContext.Current.CancellationToken);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ready", body.GetProperty("status").GetString());
        Assert.Equal("fake", body.GetProperty("checks").GetProperty("chat_client").GetString());
    }

    [Fact]
    public async Task Cors_NotConfigured_SendsNoCorsHeaders()
    {
        await using var factory = new ProxyFactory();
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
        request.Headers.Add("Origin", "https://evil.example");

        var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Cors_Configured_AllowsThatOriginOnly()
    {
        await using var factory = new ProxyFactory(new() { ["ClaudeProxy:AllowedOrigins:0"] = "https://app.example" });
        using var client = factory.CreateClient();

        using var allowed = new HttpRequestMessage(HttpMethod.Options, "/v1/chat/completions");
        allowed.Headers.Add("Origin", "https://app.example");
        allowed.Headers.Add("Access-Control-Request-Method", "POST");
        allowed.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        using var other = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
        other.Headers.Add("Origin", "https://evil.example");

        var preflight = await client.SendAsync(allowed, TestContext.Current.CancellationToken);
        var otherResponse = await client.SendAsync(other, TestContext.Current.CancellationToken);

        Assert.Equal("https://app.example", preflight.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.False(otherResponse.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Theory]
    [InlineData("urls", "http://0.0.0.0:3010", "ClaudeProxy:ApiKey")]
    [InlineData("urls", "http://192.168.1.10:3010;http://127.0.0.1:3010", "192.168.1.10")]
    [InlineData("Kestrel:Endpoints:Public:Url", "http://*:8080", "ClaudeProxy:ApiKey")]
    [InlineData("ClaudeProxy:ApiKey", "short", "at least 16 characters")]
    [InlineData("ClaudeProxy:MaxConcurrentRequests", "0", "ClaudeProxy:MaxConcurrentRequests")]
    [InlineData("ClaudeProxy:RequestTimeout", "00:00:00", "ClaudeProxy:RequestTimeout")]
    [InlineData("ClaudeProxy:MaxRequestBodyBytes", "10", "ClaudeProxy:MaxRequestBodyBytes")]
    [InlineData("ClaudeProxy:AllowedOrigins:0", "https://app.example/path", "ClaudeProxy:AllowedOrigins")]
    [InlineData("ClaudeProxy:CorsAllowedOrigins:0", "https://app.example", "renamed ClaudeProxy:AllowedOrigins")]
    [InlineData("ClaudeProxy:AllowedHosts:0", "https://proxy.example", "ClaudeProxy:AllowedHosts")]
    [InlineData("ClaudeProxy:AllowedHosts:0", "proxy.example:3010", "ClaudeProxy:AllowedHosts")]
    [InlineData("urls", "http://[::ffff:127.0.0.1]:3010", "written as IPv6")]
    [InlineData("ClaudeProxy:ResponseCache:Enabled", "true", "ClaudeProxy:Redis is not set")]
    [InlineData("ClaudeProxy:RateLimit:RequestsPerWindow", "10", "ClaudeProxy:Redis is not set")]
    [InlineData("ClaudeProxy:RateLimit:RequestsPerWindow", "0", "ClaudeProxy:RateLimit:RequestsPerWindow is 0")]
    [InlineData("ClaudeProxy:RateLimit:Window", "00:00:01.500", "ClaudeProxy:RateLimit:Window")]
    [InlineData("ClaudeProxy:ResponseCache:Expiration", "00:00:00", "ClaudeProxy:ResponseCache:Expiration")]
    [InlineData("ClaudeProxy:ApiKeys:0", "short", "ClaudeProxy:ApiKeys:0 must be at least 16 characters")]
    [InlineData("ClaudeProxy:Redis", "127.0.0.1:6379,nonsense=1", "ClaudeProxy:Redis is not a valid")]
    public void OptionsValidator_InvalidSettings_FailNamingTheSetting(string key, string value, string expectedInMessage)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();
        var options = new ClaudeProxyOptions();
        configuration.GetSection(ClaudeProxyOptions.SectionName).Bind(options);

        var result = new ClaudeProxyOptionsValidator(configuration).Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(expectedInMessage, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void OptionsValidator_NonLoopbackWithKeyButNoAllowedHosts_FailsNamingTheSetting()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["urls"] = "http://0.0.0.0:3010", ["ClaudeProxy:ApiKey"] = ProxyFactory.ApiKey }).Build();
        var options = new ClaudeProxyOptions();
        configuration.GetSection(ClaudeProxyOptions.SectionName).Bind(options);

        var result = new ClaudeProxyOptionsValidator(configuration).Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("ClaudeProxy:AllowedHosts", result.FailureMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("ClaudeProxy:ApiKey is not set", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void OptionsValidator_Defaults_AreValid()
    {
        var configuration = new ConfigurationBuilder().Build();

        Assert.True(new ClaudeProxyOptionsValidator(configuration).Validate(null, new ClaudeProxyOptions()).Succeeded);
    }

    [Fact]
    public async Task Startup_NonLoopbackWithApiKey_Starts()
    {
        await using var factory = new ProxyFactory(new() { ["urls"] = "http://0.0.0.0:0", ["ClaudeProxy:ApiKey"] = ProxyFactory.ApiKey, ["ClaudeProxy:AllowedHosts:0"] = "*" });

        factory.StartServer();
        var bound = new Uri(factory.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First());
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{bound.Port}") };

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health", TestContext.Current.CancellationToken)).StatusCode);
    }

    [Theory]
    [InlineData("http://127.0.0.1:3010", true)]
    [InlineData("http://127.8.9.10:1", true)]
    [InlineData("http://localhost:3010", true)]
    [InlineData("http://[::1]:3010", true)]
    [InlineData("http://unix:/run/proxy.sock", true)]
    [InlineData("http://0.0.0.0:3010", false)]
    [InlineData("http://*:3010", false)]
    [InlineData("http://+:3010", false)]
    [InlineData("http://[::]:3010", false)]
    [InlineData("http://example.com:3010", false)]
    public void OptionsValidator_IsLoopback_RecognisesLocalAddresses(string url, bool expected) =>
        Assert.Equal(expected, ClaudeProxyOptionsValidator.IsLoopback(url));

    [Fact]
    public void OptionsValidator_NoUrlsConfigured_UsesLoopbackDefault()
    {
        var configuration = new ConfigurationBuilder().Build();

        Assert.Equal([ClaudeProxyOptions.DefaultUrl], ClaudeProxyOptionsValidator.GetListenUrls(configuration));
    }

    [Fact]
    public async Task Telemetry_ChatRequest_EmitsMeaiGenAiSpanAndMetrics()
    {
        // The proxy maps the requested model to the CLI's; MEAI's OpenTelemetryChatClient in the served pipeline reports the mapped
        // model and the CLI client's ChatClientMetadata. The mapped model is unique to this test so that parallel tests do not interfere.
        const string Model = "telemetry-probe-model";
        const string Mapped = "telemetry-probe-sonnet";
        var activities = new List<Activity>();
        using var activityListener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "LlmConnectors.ClaudeProxy",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                if ((string?)a.GetTagItem("gen_ai.request.model") == Mapped)
                {
                    lock (activities)
                    {
                        activities.Add(a);
                    }
                }
            },
        };
        ActivitySource.AddActivityListener(activityListener);
        var measurements = new List<(string Name, double Value, string? TokenType)>();
        using var meterListener = new MeterListener();
        meterListener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "LlmConnectors.ClaudeProxy")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            string? model = null, tokenType = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "gen_ai.request.model")
                {
                    model = tag.Value as string;
                }
                else if (tag.Key == "gen_ai.token.type")
                {
                    tokenType = tag.Value as string;
                }
            }

            if (model == Mapped)
            {
                lock (measurements)
                {
                    measurements.Add((instrument.Name, value, tokenType));
                }
            }
        }

        meterListener.SetMeasurementEventCallback<double>((i, v, t, _) => Record(i, v, t));
        meterListener.SetMeasurementEventCallback<long>((i, v, t, _) => Record(i, v, t));
        meterListener.SetMeasurementEventCallback<int>((i, v, t, _) => Record(i, v, t));
        meterListener.Start();

        // The served client is composed as the proxy's default pipeline composes it (DefaultChatClient): MEAI's UseOpenTelemetry
        // under the proxy's source name, over the test's scripted client.
        await using var proxy = new ProxyFactory(
            new() { [$"ClaudeProxy:Models:{Model}"] = Mapped },
            wrapClient: inner => inner.AsBuilder().UseOpenTelemetry(sourceName: "LlmConnectors.ClaudeProxy").Build());
        using var client = proxy.CreateClient();
        var (status, _, _) = await PostJsonAsync(client, $$"""{"model":"{{Model}}","messages":[{"role":"user","content":"Hi"}]}""");

        Assert.Equal(HttpStatusCode.OK, status);
        var activity = Assert.Single(activities);
        Assert.Equal($"chat {Mapped}", activity.DisplayName);
        Assert.Equal("chat", activity.GetTagItem("gen_ai.operation.name"));
        Assert.Equal(11, Convert.ToInt64(activity.GetTagItem("gen_ai.usage.input_tokens"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(7, Convert.ToInt64(activity.GetTagItem("gen_ai.usage.output_tokens"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains(measurements, m => m.Name == "gen_ai.client.operation.duration" && m.Value > 0);
        Assert.Contains(measurements, m => m.Name == "gen_ai.client.token.usage" && m.TokenType == "input" && m.Value == 11);
        Assert.Contains(measurements, m => m.Name == "gen_ai.client.token.usage" && m.TokenType == "output" && m.Value == 7);
    }

    [Fact]
    public async Task Shutdown_DisposesTheChatClientRegisteredByTheProxy()
    {
        var factory = new ProxyFactory(clientOwnedByContainer: true);
        using (var client = factory.CreateClient())
        {
            Assert.Equal(HttpStatusCode.OK, (await PostJsonAsync(client, SimpleRequest)).Status);
        }

        await factory.DisposeAsync();

        // WebApplicationFactory stops the proxy's deferred host and may return before the host's container has finished
        // disposing its singletons (the real Program awaits app.DisposeAsync() itself); give it a bounded moment.
        for (var i = 0; i < 100 && !factory.Client.Disposed; i++)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.True(factory.Client.Disposed, "The IChatClient the proxy's container created was not disposed when the proxy shut down.");
    }
}
