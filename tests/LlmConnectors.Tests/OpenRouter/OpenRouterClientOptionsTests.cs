using Microsoft.Extensions.AI;
using static LlmConnectors.Tests.OpenRouter.OpenRouterTestData;

namespace LlmConnectors.Tests.OpenRouter;

public class OpenRouterClientOptionsTests
{
    [Fact]
    public void Constructor_NullOptions_Throws()
    {
        Assert.Throws<ArgumentNullException>("options", () => new OpenRouterChatClient(null!));
    }

    [Fact]
    public void Constructor_NoApiKey_ThrowsNamingTheSettingAndTheEnvironmentVariable()
    {
        var options = new OpenRouterClientOptions { ApiKey = " " };

        if (Environment.GetEnvironmentVariable("OPENROUTER_API_KEY") is { Length: > 0 } fromEnvironment)
        {
            // The documented fallback: the environment variable supplies the key.
            Assert.Equal(fromEnvironment.Trim(), options.ResolveApiKey());
            return;
        }

        var ex = Assert.Throws<ArgumentException>("options", () => new OpenRouterChatClient(options));
        Assert.Contains("OpenRouter:ApiKey", ex.Message, StringComparison.Ordinal);
        Assert.Contains("OPENROUTER_API_KEY", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_BadValues_OneMessagePerSetting()
    {
        var options = new OpenRouterClientOptions
        {
            ApiKey = "k",
            Endpoint = new Uri("ftp://example.com"),
            Timeout = TimeSpan.FromSeconds(-1),
            AppUrl = "not a url",
            ModelId = " ",
            Retry = new TransportRetryOptions { MaxRetryAttempts = -1 },
            Provider = new OpenRouterProviderPreferences { DataCollection = "maybe", Sort = "cheapest" },
        };

        var errors = options.Validate("OpenRouter");

        Assert.Contains(errors, e => e.StartsWith("OpenRouter:Endpoint", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("OpenRouter:Timeout", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("OpenRouter:AppUrl", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("OpenRouter:ModelId", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("OpenRouter:Retry:MaxRetryAttempts", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("OpenRouter:Provider:DataCollection", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("OpenRouter:Provider:Sort", StringComparison.Ordinal));
    }

    [Fact]
    public void Defaults_AreTheDocumentedOnes()
    {
        var options = new OpenRouterClientOptions();

        Assert.Equal(new Uri("https://openrouter.ai/api/v1"), options.Endpoint);
        Assert.Equal(TimeSpan.FromMinutes(10), options.Timeout);
        Assert.Equal(TimeSpan.FromHours(1), options.ModelCatalogCacheDuration);
        Assert.True(options.Retry.Enabled);
        Assert.Equal(3, options.Retry.MaxRetryAttempts);
    }

    [Fact]
    public void GetService_ReturnsMetadataOptionsCapabilitiesAndItself()
    {
        var (client, _) = CreateClient();

        var metadata = client.GetService<ChatClientMetadata>();

        Assert.Equal("openrouter", metadata!.ProviderName);
        Assert.Equal(new Uri("https://openrouter.ai/api/v1"), metadata.ProviderUri);
        Assert.Equal("openai/gpt-4o-mini", metadata.DefaultModelId);
        Assert.Same(client.Options, client.GetService<OpenRouterClientOptions>());
        Assert.NotNull(client.GetService<IModelCapabilityProvider>());
        Assert.Same(client, client.GetService<OpenRouterChatClient>());
        Assert.Null(client.GetService<ChatClientMetadata>("some-key"));
        Assert.Null(client.GetService<string>());
        Assert.Throws<ArgumentNullException>("serviceType", () => client.GetService(null!));
    }

    [Fact]
    public async Task Dispose_CallerHttpClient_LeftUsable()
    {
        var handler = new LlmConnectors.Tests.OpenAICompatible.RecordingHandler();
        handler.EnqueueJson(Completion);
        using var http = new HttpClient(handler);
        var client = new OpenRouterChatClient(new OpenRouterClientOptions { ApiKey = "k", ModelId = "m", HttpClient = http });

        client.Dispose();

        using var response = await http.GetAsync(new Uri("http://localhost/"), TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.GetResponseAsync("hi", cancellationToken: TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task GetResponseAsync_NoModelAnywhere_ThrowsNamingTheSetting()
    {
        var (client, _) = CreateClient(o => o.ModelId = null);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => client.GetResponseAsync("hi", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("OpenRouter:ModelId", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_NullMessages_Throws()
    {
        var (client, _) = CreateClient();

        await Assert.ThrowsAsync<ArgumentNullException>("messages", () => client.GetResponseAsync((IEnumerable<ChatMessage>)null!, cancellationToken: TestContext.Current.CancellationToken));
    }
}
