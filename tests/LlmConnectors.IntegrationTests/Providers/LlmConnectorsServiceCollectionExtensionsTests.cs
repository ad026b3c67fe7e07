using LlmConnectors.TestServers.Anthropic;
using LlmConnectors.TestServers.Google;
using LlmConnectors.TestServers.OpenRouter;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LlmConnectors.IntegrationTests.Providers;

/// <summary>
/// <c>AddLlmConnectors</c> with six providers configured from one configuration (values referencing variables as <c>${NAME}</c>),
/// each served by a scripted server of its wire format, and the default pipeline routing by model prefix.
/// </summary>
public sealed class LlmConnectorsServiceCollectionExtensionsTests : IAsyncLifetime
{
    private OpenRouterTestServer _openAICompatible = null!;
    private ScriptedAnthropicServer _anthropic = null!;
    private GoogleTokenServer _tokens = null!;
    private string _directory = null!;

    public async ValueTask InitializeAsync()
    {
        _openAICompatible = await OpenRouterTestServer.StartAsync(TestContext.Current.CancellationToken);
        _anthropic = await ScriptedAnthropicServer.StartAsync(TestContext.Current.CancellationToken);
        _tokens = await GoogleTokenServer.StartAsync(TestContext.Current.CancellationToken);
        _directory = Directory.CreateTempSubdirectory("llmc-providers-").FullName;
    }

    public async ValueTask DisposeAsync()
    {
        await _openAICompatible.DisposeAsync();
        await _anthropic.DisposeAsync();
        await _tokens.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private Dictionary<string, string?> Settings()
    {
        var root = _openAICompatible.BaseAddress;
        return new()
        {
            // Variables as a host that adds environment variables to its configuration sees them.
            ["LLMC_TEST_OPENAI_KEY"] = "sk-openai",
            ["LLMC_TEST_GEMINI_KEY"] = "gemini-key",
            ["OPENAI:APIKEY"] = "${LLMC_TEST_OPENAI_KEY}",
            ["OpenAI:Endpoint"] = new Uri(root, "openai/v1").ToString(),
            ["OpenAI:Retry:Enabled"] = "false",
            ["OpenAI:Limits:MaxConcurrentRequests"] = "2",
            ["Anthropic:ApiKey"] = "sk-ant",
            ["Anthropic:Endpoint"] = _anthropic.BaseUrl,
            ["Anthropic:Retry:Enabled"] = "false",
            ["Gemini:ApiKey"] = "${LLMC_TEST_GEMINI_KEY}",
            ["Gemini:Endpoint"] = new Uri(root, "v1beta/openai/").ToString(),
            ["VertexAI:CredentialsFile"] = _tokens.WriteServiceAccountFile(_directory, "vertex-project"),
            ["VertexAI:Endpoint"] = new Uri(root, "v1/projects/vertex-project/locations/global/endpoints/openapi").ToString(),
            ["OpenRouter:ApiKey"] = "sk-or",
            ["OpenRouter:Endpoint"] = new Uri(root, "api/v1").ToString(),
            ["OpenRouter:Limits:MaxConcurrentRequests"] = "1",
            ["ClaudeCli:Enabled"] = "false",
            ["ClaudeProxy:Endpoint"] = new Uri(root, "proxy/v1").ToString(),
            ["ClaudeProxy:ApiKey"] = "proxy-key",
            ["LlmConnectors:DefaultProvider"] = "gemini",
        };
    }

    [Fact]
    public async Task AddLlmConnectors_SixProvidersConfigured_RoutesEachPrefixToItsLeaf()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddLlmConnectors(new ConfigurationBuilder().AddInMemoryCollection(Settings()).Build());
        await using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();
        var client = provider.GetRequiredService<IChatClient>();
        var token = TestContext.Current.CancellationToken;

        foreach (var model in new[] { "openai/gpt-4o-mini", "gemini/gemini-2.5-pro", "vertex/google/gemini-2.5-flash", "openrouter/openai/gpt-4o", "max/sonnet", "unprefixed-model" })
        {
            var response = await client.GetResponseAsync($"to {model}", new ChatOptions { ModelId = model }, token);
            Assert.Equal($"You said: to {model}", response.Text);
        }

        _anthropic.Enqueue(ScriptedAnthropicReply.Text("from anthropic"));
        var anthropic = await client.GetResponseAsync("to anthropic", new ChatOptions { ModelId = "anthropic/claude-haiku-4-5" }, token);

        var requests = _openAICompatible.ChatRequests;
        Assert.Equal(
            [
                ("/openai/v1/chat/completions", "gpt-4o-mini", "Bearer sk-openai"),
                ("/v1beta/openai/chat/completions", "gemini-2.5-pro", "Bearer gemini-key"),
                ("/v1/projects/vertex-project/locations/global/endpoints/openapi/chat/completions", "google/gemini-2.5-flash", "Bearer ya29.scripted-1"),
                ("/api/v1/chat/completions", "openai/gpt-4o", "Bearer sk-or"),
                ("/proxy/v1/chat/completions", "sonnet", "Bearer proxy-key"),
                ("/v1beta/openai/chat/completions", "unprefixed-model", "Bearer gemini-key"),
            ],
            requests.Select(r => (r.Path, r.Json().GetProperty("model").GetString(), r.Header("Authorization"))));
        Assert.Equal("from anthropic", anthropic.Text);
        Assert.Equal("claude-haiku-4-5", Assert.Single(_anthropic.Requests).Model);

        var report = provider.GetRequiredService<LlmProviderDetectionReport>();
        Assert.Equal("gemini", report.DefaultProvider);
        Assert.Equal(
            ["openai", "anthropic", "gemini", "vertex", "openrouter", "claude-proxy"],
            report.Providers.Where(p => p.Detected).Select(p => p.Name));
        Assert.Equal("ClaudeCli:Enabled is false.", report.Providers.Single(p => p.Name == "claude-cli").Reason);
        Assert.NotNull(provider.GetRequiredKeyedService<IChatClient>("openai").GetService<ConcurrencyLimitingChatClient>());
    }

    [Fact]
    public async Task AddLlmConnectors_HostStarts_LogsOneLinePerProviderWithoutSecrets()
    {
        var capture = new CapturingLoggerProvider();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddProvider(capture));
        var settings = Settings();
        settings.Remove("OpenRouter:ApiKey");
        settings["OpenRouter:Enabled"] = "true";
        services.AddLlmConnectors(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        await using var provider = services.BuildServiceProvider();

        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StartAsync(TestContext.Current.CancellationToken);
        }

        var lines = capture.Messages;
        Assert.Contains("LLM provider openai (openai/) detected: OpenAI:ApiKey is set.", lines);
        Assert.Contains(lines, l => l.StartsWith("LLM provider vertex (vertex/) detected: Google credentials (service_account) from VertexAI:CredentialsFile", StringComparison.Ordinal));
        Assert.Contains("LLM provider claude-cli (max/) not detected: ClaudeCli:Enabled is false.", lines);
        Assert.Contains(lines, l => l.StartsWith("LLM provider openrouter (openrouter/) ", StringComparison.Ordinal));
        Assert.Contains("LLM requests without a provider prefix go to: gemini", lines);
        Assert.DoesNotContain(lines, l => l.Contains("sk-openai", StringComparison.Ordinal) || l.Contains("gemini-key", StringComparison.Ordinal));
    }

    [Fact]
    public void AddLlmConnectors_ReferenceToMissingVariable_FailsNamingTheSettingAndTheVariable()
    {
        var settings = Settings();
        settings["Anthropic:ApiKey"] = "${LLMC_TEST_NOT_SET_ANYWHERE_7F3A}";
        var services = new ServiceCollection();

        var error = Assert.Throws<OptionsValidationException>(() => services.AddLlmConnectors(new ConfigurationBuilder().AddInMemoryCollection(settings).Build()));

        var failure = Assert.Single(error.Failures);
        Assert.Contains("Anthropic:ApiKey", failure, StringComparison.Ordinal);
        Assert.Contains("LLMC_TEST_NOT_SET_ANYWHERE_7F3A", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void AddLlmConnectors_DefaultProviderNotDetected_FailsWithTheReason()
    {
        var settings = Settings();
        settings["LlmConnectors:DefaultProvider"] = "claude-cli";
        var services = new ServiceCollection();

        var error = Assert.Throws<OptionsValidationException>(() => services.AddLlmConnectors(new ConfigurationBuilder().AddInMemoryCollection(settings).Build()));

        Assert.Contains("LlmConnectors:DefaultProvider is 'claude-cli', which was not detected: ClaudeCli:Enabled is false.", Assert.Single(error.Failures), StringComparison.Ordinal);
    }
}
