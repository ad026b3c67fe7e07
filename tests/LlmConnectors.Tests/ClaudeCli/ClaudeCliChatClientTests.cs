using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace LlmConnectors.Tests.ClaudeCli;

public sealed class ClaudeCliChatClientTests
{
    private static ClaudeCliOptions Missing => new() { ExecutablePath = "/nonexistent/claude-unit-test", ModelId = "sonnet" };

    [Fact]
    public void Constructor_NullOptions_Throws()
    {
        Assert.Throws<ArgumentNullException>("options", () => new ClaudeCliChatClient(null!));
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowsNamingTheSetting()
    {
        var e = Assert.Throws<ArgumentException>("options", () => new ClaudeCliChatClient(new ClaudeCliOptions { MaxConcurrency = 0 }));

        Assert.Contains("ClaudeCli:MaxConcurrency", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetService_Metadata_ReportsProviderAndDefaultModel()
    {
        using var client = new ClaudeCliChatClient(Missing);

        var metadata = client.GetService<ChatClientMetadata>();

        Assert.NotNull(metadata);
        Assert.Equal("claude-code", metadata.ProviderName);
        Assert.Equal("sonnet", metadata.DefaultModelId);
        Assert.Equal("/nonexistent/claude-unit-test", client.GetService<ClaudeCliOptions>()?.ExecutablePath);
        Assert.Same(client, client.GetService<ClaudeCliChatClient>());
        Assert.Null(client.GetService<ChatClientMetadata>("key"));
    }

    [Fact]
    public async Task GetService_CapabilityProvider_AcceptsImagesAndSchemasButNotToolsOrJsonObject()
    {
        using var client = new ClaudeCliChatClient(Missing);

        var provider = client.GetService<IModelCapabilityProvider>();
        var capabilities = await provider!.GetModelCapabilitiesAsync(null, TestContext.Current.CancellationToken);

        Assert.NotNull(capabilities);
        Assert.Equal("sonnet", capabilities.ModelId);
        Assert.True(capabilities.SupportsImages);
        Assert.True(capabilities.SupportsJsonSchema);
        Assert.False(capabilities.SupportsJsonObject);
        Assert.True(capabilities.SupportsTools);
    }

    [Fact]
    public async Task GetResponseAsync_NullMessages_Throws()
    {
        using var client = new ClaudeCliChatClient(Missing);

        await Assert.ThrowsAsync<ArgumentNullException>("messages", () => client.GetResponseAsync((IEnumerable<ChatMessage>)null!, cancellationToken: TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task GetResponseAsync_ConversationEndingWithAssistant_ThrowsBeforeStartingAProcess()
    {
        using var client = new ClaudeCliChatClient(Missing);

        var e = await Assert.ThrowsAsync<ArgumentException>("messages", () => client.GetResponseAsync(
            [new(ChatRole.User, "Hi"), new(ChatRole.Assistant, "Hello")],
            cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("must end with a user message", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_AfterDispose_ThrowsObjectDisposed()
    {
        var client = new ClaudeCliChatClient(Missing);
        client.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.GetResponseAsync([new(ChatRole.User, "Hi")], cancellationToken: TestContext.Current.CancellationToken));
    }

    [Fact]
    public void AddClaudeCliChatClient_Configuration_BindsEverySetting()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ClaudeCli:ExecutablePath"] = "/opt/claude",
            ["ClaudeCli:ModelId"] = "opus",
            ["ClaudeCli:MaxConcurrency"] = "8",
            ["ClaudeCli:MaxQueueLength"] = "5",
            ["ClaudeCli:WarmPoolSize"] = "0",
            ["ClaudeCli:RequestTimeout"] = "00:02:00",
            ["ClaudeCli:EnvironmentVariables:ANTHROPIC_BASE_URL"] = "http://127.0.0.1:1",
            ["ClaudeCli:AllowedTools:0"] = "Read",
            ["ClaudeCli:AdditionalArguments:0"] = "--effort",
            ["ClaudeCli:Retry:MaxRetryAttempts"] = "1",
            ["ClaudeCli:Retry:Enabled"] = "false",
            ["ClaudeCli:Retry:MaxDelay"] = "00:00:05",
        }).Build();
        var services = new ServiceCollection();
        services.AddClaudeCliChatClient(configuration.GetSection("ClaudeCli"));
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<ClaudeCliOptions>>().Value;

        Assert.Equal("/opt/claude", options.ExecutablePath);
        Assert.Equal("opus", options.ModelId);
        Assert.Equal(8, options.MaxConcurrency);
        Assert.Equal(5, options.MaxQueueLength);
        Assert.Equal(TimeSpan.FromMinutes(2), options.RequestTimeout);
        Assert.Equal("http://127.0.0.1:1", options.EnvironmentVariables["ANTHROPIC_BASE_URL"]);
        Assert.Equal(["Read"], options.AllowedTools);
        Assert.Equal(["--effort"], options.AdditionalArguments);
        Assert.Equal(1, options.Retry.MaxRetryAttempts);
        Assert.False(options.Retry.Enabled);
        Assert.Equal(TimeSpan.FromSeconds(5), options.Retry.MaxDelay);
        Assert.IsType<ClaudeCliChatClient>(provider.GetRequiredService<IChatClient>());
        Assert.Same(provider.GetRequiredService<ClaudeCliChatClient>(), provider.GetRequiredKeyedService<IChatClient>("claude-cli"));
    }

    [Fact]
    public async Task AddClaudeCliChatClient_InvalidConfiguration_FailsAtStartNamingTheSetting()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ClaudeCli:MaxConcurrency"] = "0" });
        _ = builder.Services.AddClaudeCliChatClient(builder.Configuration.GetSection("ClaudeCli"));
        using var host = builder.Build();

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("ClaudeCli:MaxConcurrency is 0", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddClaudeCliChatClient_UnparsableNumber_FailsNamingTheSetting()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["ClaudeCli:Retry:MaxRetryAttempts"] = "many" }).Build();
        var services = new ServiceCollection();
        services.AddClaudeCliChatClient(configuration.GetSection("ClaudeCli"));
        using var provider = services.BuildServiceProvider();

        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<ClaudeCliOptions>>().Value);

        Assert.Contains("ClaudeCli:Retry:MaxRetryAttempts is 'many'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddClaudeCliChatClient_Action_ConfiguresTheClient()
    {
        var services = new ServiceCollection();
        services.AddClaudeCliChatClient(o => o.ExecutablePath = "/opt/other-claude");
        using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<ClaudeCliChatClient>();

        Assert.Equal("/opt/other-claude", client.Options.ExecutablePath);
    }
}
