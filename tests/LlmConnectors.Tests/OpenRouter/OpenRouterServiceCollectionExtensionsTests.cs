using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LlmConnectors.Tests.OpenRouter;

public class OpenRouterServiceCollectionExtensionsTests
{
    private static IConfiguration Config(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    [Fact]
    public void AddOpenRouterChatClient_Configuration_BindsEverySettingAndRegistersKeyedClient()
    {
        var configuration = Config(new()
        {
            ["OpenRouter:ApiKey"] = "sk-or-1",
            ["OpenRouter:ModelId"] = "openai/gpt-4o-mini",
            ["OpenRouter:Endpoint"] = "http://127.0.0.1:9/api/v1",
            ["OpenRouter:AppUrl"] = "https://app.example.com",
            ["OpenRouter:AppTitle"] = "App",
            ["OpenRouter:Timeout"] = "00:02:00",
            ["OpenRouter:Models:0"] = "a/b",
            ["OpenRouter:Models:1"] = "c/d",
            ["OpenRouter:Retry:MaxRetryAttempts"] = "5",
            ["OpenRouter:Retry:Enabled"] = "false",
            ["OpenRouter:Provider:Order:0"] = "anthropic",
            ["OpenRouter:Provider:AllowFallbacks"] = "false",
            ["OpenRouter:Provider:MaxPrice:Prompt"] = "1.5",
            ["OpenRouter:Reasoning:Effort"] = "high",
            ["OpenRouter:Plugins:0:Id"] = "web",
            ["OpenRouter:Plugins:0:max_results"] = "3",
        });
        var services = new ServiceCollection();

        services.AddOpenRouterChatClient(configuration.GetSection("OpenRouter"));
        using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<OpenRouterChatClient>();
        var options = client.Options;
        Assert.Equal("sk-or-1", options.ApiKey);
        Assert.Equal("openai/gpt-4o-mini", options.ModelId);
        Assert.Equal(new Uri("http://127.0.0.1:9/api/v1"), options.Endpoint);
        Assert.Equal("https://app.example.com", options.AppUrl);
        Assert.Equal("App", options.AppTitle);
        Assert.Equal(TimeSpan.FromMinutes(2), options.Timeout);
        Assert.Equal(["a/b", "c/d"], options.Models!);
        Assert.Equal(5, options.Retry.MaxRetryAttempts);
        Assert.False(options.Retry.Enabled);
        Assert.Equal(["anthropic"], options.Provider!.Order!);
        Assert.False(options.Provider.AllowFallbacks);
        Assert.Equal(1.5m, options.Provider.MaxPrice!.Prompt);
        Assert.Equal("high", options.Reasoning!.Effort);
        Assert.Equal("web", options.Plugins![0].Id);
        Assert.Equal(3, options.Plugins[0].Settings!["max_results"].GetInt32());
        Assert.NotNull(options.HttpClient);
        Assert.Same(client, provider.GetRequiredKeyedService<IChatClient>("openrouter"));
        Assert.Same(client, provider.GetRequiredService<IChatClient>());
    }

    [Fact]
    public void AddOpenRouterChatClient_MissingApiKey_StartupValidationNamesTheSetting()
    {
        if (Environment.GetEnvironmentVariable("OPENROUTER_API_KEY") is { Length: > 0 })
        {
            // The environment supplies the key on this machine: the fallback is what is under test then.
            return;
        }

        var services = new ServiceCollection();
        services.AddOpenRouterChatClient(Config(new() { ["OpenRouter:ModelId"] = "m" }).GetSection("OpenRouter"));
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("OpenRouter:ApiKey", ex.Message, StringComparison.Ordinal);
        Assert.Contains("OPENROUTER_API_KEY", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddOpenRouterChatClient_UnparsableValue_FailsNamingTheSetting()
    {
        var services = new ServiceCollection();
        services.AddOpenRouterChatClient(Config(new() { ["LLM:OpenRouter:ApiKey"] = "k", ["LLM:OpenRouter:Timeout"] = "soon" }).GetSection("LLM:OpenRouter"));
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<OpenRouterClientOptions>>().Value);

        Assert.Contains("LLM:OpenRouter:Timeout is 'soon'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddOpenRouterChatClient_Callback_ConfiguresTheClient()
    {
        var services = new ServiceCollection();

        services.AddOpenRouterChatClient(o =>
        {
            o.ApiKey = "k";
            o.ModelId = "x/y";
        });
        using var provider = services.BuildServiceProvider();

        Assert.Equal("x/y", provider.GetRequiredKeyedService<IChatClient>("openrouter").GetService<ChatClientMetadata>()!.DefaultModelId);
    }

    [Fact]
    public void AddOpenRouterChatClient_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>("services", () => OpenRouterServiceCollectionExtensions.AddOpenRouterChatClient(null!, o => { }));
        Assert.Throws<ArgumentNullException>("configure", () => new ServiceCollection().AddOpenRouterChatClient((Action<OpenRouterClientOptions>)null!));
        Assert.Throws<ArgumentNullException>("configuration", () => new ServiceCollection().AddOpenRouterChatClient((IConfiguration)null!));
    }
}
