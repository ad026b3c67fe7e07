using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LlmConnectors.Tests.ClaudeProxy;

public class ClaudeProxyChatClientTests
{
    private const string Completion = """{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"sonnet","choices":[{"index":0,"message":{"role":"assistant","content":"Hi there"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}""";

    private static (ClaudeProxyChatClient Client, RecordingHandler Handler) Create(Func<HttpRequestMessage, HttpResponseMessage> respond, string? apiKey = "proxy-key-0123456789", string model = "max/sonnet")
    {
        var handler = new RecordingHandler(respond);
        var client = new ClaudeProxyChatClient(new ClaudeProxyClientOptions
        {
            Endpoint = new Uri("http://proxy.test:3010/v1"),
            ApiKey = apiKey,
            ModelId = model,
            HttpClient = new HttpClient(handler),
            Retry = new TransportRetryOptions { Enabled = false },
        });
        return (client, handler);
    }

    private static HttpResponseMessage Json(string body, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    [Fact]
    public void Constructor_NullOptions_Throws() =>
        Assert.Throws<ArgumentNullException>("options", () => new ClaudeProxyChatClient(null!));

    [Fact]
    public void Constructor_RelativeEndpoint_ThrowsNamingTheSetting()
    {
        var e = Assert.Throws<ArgumentException>("options", () => new ClaudeProxyChatClient(new ClaudeProxyClientOptions { Endpoint = new Uri("/v1", UriKind.Relative) }));

        Assert.Contains("Endpoint", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_MaxPrefixedModel_IsStrippedOnTheWireWithTheKey()
    {
        var (client, handler) = Create(_ => Json(Completion));
        using var _ = client;

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hello")], cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("Hi there", response.Text);
        Assert.Equal(2, response.Usage!.OutputTokenCount);
        var request = Assert.Single(handler.Requests);
        Assert.Equal("http://proxy.test:3010/v1/chat/completions", request.Uri);
        Assert.Equal("Bearer proxy-key-0123456789", request.Authorization);
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal("sonnet", body.RootElement.GetProperty("model").GetString());
    }

    [Fact]
    public async Task GetResponseAsync_ModelFromChatOptions_IsStrippedToo()
    {
        var (client, handler) = Create(_ => Json(Completion));
        using var _ = client;

        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hello")], new ChatOptions { ModelId = "max/opus" }, TestContext.Current.CancellationToken);

        using var body = JsonDocument.Parse(handler.Requests[0].Body);
        Assert.Equal("opus", body.RootElement.GetProperty("model").GetString());
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ReadsChunks()
    {
        const string Sse = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n" +
            "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"}}]}\n\n" +
            "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"},\"finish_reason\":\"stop\"}]}\n\n" +
            "data: [DONE]\n\n";
        var (client, _) = Create(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(Sse, Encoding.UTF8, "text/event-stream") });
        using var __ = client;
        var text = new StringBuilder();

        await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hello")], cancellationToken: TestContext.Current.CancellationToken))
        {
            text.Append(update.Text);
        }

        Assert.Equal("Hello", text.ToString());
    }

    [Fact]
    public async Task GetResponseAsync_QueueFull429_ThrowsRateLimitedWithRetryAfter()
    {
        var (client, _) = Create(_ =>
        {
            var response = Json("""{"error":{"message":"busy","type":"rate_limit_error","param":null,"code":"queue_full"}}""", HttpStatusCode.TooManyRequests);
            response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(2));
            return response;
        });
        using var _ = client;

        var e = await Assert.ThrowsAsync<LlmConnectorException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hello")], cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal("claude-proxy", e.Provider);
        Assert.Equal(LlmErrorKind.RateLimited, e.Kind);
        Assert.Equal(TimeSpan.FromSeconds(2), e.RetryAfter);
        Assert.Equal("queue_full", e.ErrorCode);
    }

    [Fact]
    public void GetService_ReturnsMetadataOptionsAndCapabilities()
    {
        var (client, _) = Create(_ => Json(Completion));
        using var __ = client;

        var metadata = client.GetService<ChatClientMetadata>();

        Assert.Equal("claude-proxy", metadata!.ProviderName);
        Assert.Equal(new Uri("http://proxy.test:3010/v1"), metadata.ProviderUri);
        Assert.Same(client.Options, client.GetService<ClaudeProxyClientOptions>());
        Assert.Same(client, client.GetService<IModelCapabilityProvider>());
        Assert.Null(client.GetService<ChatClientMetadata>(serviceKey: "other"));
    }

    [Fact]
    public async Task GetModelCapabilitiesAsync_ImagesAndJsonYesToolsNo()
    {
        var (client, _) = Create(_ => Json(Completion));
        using var __ = client;

        var capabilities = await client.GetModelCapabilitiesAsync("max/haiku", TestContext.Current.CancellationToken);

        Assert.Equal("haiku", capabilities!.ModelId);
        Assert.True(capabilities.SupportsImages);
        Assert.True(capabilities.SupportsJsonSchema);
        Assert.True(capabilities.SupportsJsonObject);
        Assert.True(capabilities.SupportsTools);
    }

    [Fact]
    public void AddClaudeProxyChatClient_FromConfiguration_RegistersKeyedAndDefaultClient()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ClaudeProxyClient:Endpoint"] = "http://box:3010/v1",
            ["ClaudeProxyClient:ApiKey"] = "proxy-key-0123456789",
            ["ClaudeProxyClient:ModelId"] = "max/opus",
            ["ClaudeProxyClient:Retry:MaxRetryAttempts"] = "1",
        }).Build();
        var services = new ServiceCollection();

        services.AddClaudeProxyChatClient(configuration.GetSection("ClaudeProxyClient"));
        using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<ClaudeProxyChatClient>();
        Assert.Same(client, provider.GetRequiredKeyedService<IChatClient>("claude-proxy"));
        Assert.Same(client, provider.GetRequiredService<IChatClient>());
        Assert.Equal(new Uri("http://box:3010/v1"), client.Options.Endpoint);
        Assert.Equal("max/opus", client.Options.ModelId);
        Assert.Equal(1, client.Options.Retry.MaxRetryAttempts);
    }

    [Fact]
    public void AddClaudeProxyChatClient_InvalidSetting_FailsValidationNamingIt()
    {
        var services = new ServiceCollection();
        services.AddClaudeProxyChatClient(o => o.Timeout = TimeSpan.FromSeconds(-5));
        using var provider = services.BuildServiceProvider();

        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<ClaudeProxyClientOptions>>().Value);

        Assert.Contains("ClaudeProxyClient:Timeout", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddClaudeProxyChatClient_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>("services", () => ClaudeProxyServiceCollectionExtensions.AddClaudeProxyChatClient(null!, _ => { }));
        Assert.Throws<ArgumentNullException>("configure", () => new ServiceCollection().AddClaudeProxyChatClient((Action<ClaudeProxyClientOptions>)null!));
        Assert.Throws<ArgumentNullException>("configuration", () => new ServiceCollection().AddClaudeProxyChatClient((IConfiguration)null!));
    }

    private sealed class RecordingHandler(Func<HttpRequestMessage, HttpResponseMessage> respond) : HttpMessageHandler
    {
        public List<(string Uri, string? Authorization, string Body)> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
            Requests.Add((request.RequestUri!.ToString(), request.Headers.Authorization?.ToString(), body));
            return respond(request);
        }
    }
}
