using LlmConnectors.TestServers.Google;
using LlmConnectors.TestServers.OpenRouter;

namespace LlmConnectors.IntegrationTests.Samples;

/// <summary>
/// Runs <c>samples/AllProviders</c>: its <c>appsettings.json</c> names every provider with <c>${VAR}</c> secrets; the environment
/// supplies the variables and moves the endpoints onto scripted servers (OpenAI chat completions for <c>openai</c>, <c>gemini</c>,
/// <c>vertex</c>, <c>openrouter</c> and <c>claude-proxy</c>, each on its own path; the scripted Anthropic Messages API for
/// <c>anthropic</c> and for the real <c>claude</c> CLI behind <c>max/</c>; Google's token endpoint for Vertex AI's credentials).
/// </summary>
public sealed class AllProvidersSampleTests(SampleBackends backends) : IClassFixture<SampleBackends>, IAsyncLifetime
{
    private OpenRouterTestServer _wire = null!;
    private OpenRouterTestServer _openAI = null!;
    private GoogleTokenServer _tokens = null!;
    private DirectoryInfo _directory = null!;

    public async ValueTask InitializeAsync()
    {
        _wire = await OpenRouterTestServer.StartAsync(TestContext.Current.CancellationToken);
        _openAI = await OpenRouterTestServer.StartAsync(TestContext.Current.CancellationToken);
        _tokens = await GoogleTokenServer.StartAsync(TestContext.Current.CancellationToken);
        _directory = Directory.CreateTempSubdirectory("llmc-all-providers-");
    }

    public async ValueTask DisposeAsync()
    {
        await _wire.DisposeAsync();
        await _openAI.DisposeAsync();
        await _tokens.DisposeAsync();
        _directory.Delete(recursive: true);
    }

    [Fact]
    public async Task AllProviders_SixProvidersAndTheProxy_EachAnswersByPrefix_FailoverHandsOverAfterOneRequest()
    {
        // The openai server answers the routed request, then fails the failover's with a 503 that would be retried at once if retries were on.
        _openAI.Enqueue(
            OpenRouterScripts.Completion("Hello from the OpenAI scripted server.", "gpt-4o-mini"),
            Unavailable(), Unavailable(), Unavailable());
        var root = _wire.BaseAddress;
        var environment = SampleBackends.Merge(
            backends.ClaudeCliEnvironment,
            new Dictionary<string, string?>
            {
                ["OPENAI_API_KEY"] = "sk-openai-scripted",
                ["GEMINI_API_KEY"] = "gemini-scripted",
                ["GOOGLE_APPLICATION_CREDENTIALS"] = _tokens.WriteServiceAccountFile(_directory.FullName, "sample-project"),
                ["GOOGLE_CLOUD_PROJECT"] = "sample-project",
                ["OPENROUTER_API_KEY"] = "sk-or-scripted",
                ["CLAUDE_PROXY_URL"] = new Uri(root, "proxy/v1").ToString(),
                ["OpenAI__Endpoint"] = new Uri(_openAI.BaseAddress, "openai/v1").ToString(),
                ["Anthropic__Endpoint"] = backends.Anthropic.BaseUrl,
                ["Gemini__Endpoint"] = new Uri(root, "v1beta/openai/").ToString(),
                ["VertexAI__Endpoint"] = new Uri(root, "vertex/v1/projects/sample-project/locations/global/endpoints/openapi").ToString(),
                ["OpenRouter__Endpoint"] = new Uri(root, "api/v1").ToString(),
                ["ClaudeCli__ExecutablePath"] = RepositoryLayout.ClaudeExecutable,
            });

        var result = await Sample.RunAsync("AllProviders", environment);

        Assert.True(result.ExitCode == 0, result.Describe("AllProviders"));
        var output = result.StandardOutput;
        Assert.Contains("Routing by prefix (7 providers detected):", output, StringComparison.Ordinal);
        Assert.Contains("openai/gpt-4o-mini -> Hello from the OpenAI scripted server.", output, StringComparison.Ordinal);
        Assert.Contains("anthropic/claude-haiku-4-5 -> Hello from claude-haiku-4-5! You said: Say hello from anthropic.", output, StringComparison.Ordinal);
        Assert.Contains("gemini/gemini-2.5-flash -> You said: Say hello from gemini.", output, StringComparison.Ordinal);
        Assert.Contains("vertex/google/gemini-2.5-flash -> You said: Say hello from vertex.", output, StringComparison.Ordinal);
        Assert.Contains("openrouter/openai/gpt-4o-mini -> You said: Say hello from openrouter.", output, StringComparison.Ordinal);
        Assert.Contains("max/sonnet -> Hello from claude-sonnet", output, StringComparison.Ordinal);
        Assert.Contains("claude-proxy/sonnet -> You said: Say hello from claude-proxy.", output, StringComparison.Ordinal);

        // Each prefix reached its own endpoint with the prefix removed from the model id; Vertex AI with the token Google's endpoint issued.
        Assert.Equal("gemini-2.5-flash", Model(_wire.ChatRequests.Single(r => r.Path.StartsWith("/v1beta/openai/", StringComparison.Ordinal))));
        var vertex = _wire.ChatRequests.Single(r => r.Path.StartsWith("/vertex/", StringComparison.Ordinal));
        Assert.Equal("google/gemini-2.5-flash", Model(vertex));
        Assert.StartsWith("Bearer ", vertex.Header("Authorization"), StringComparison.Ordinal);
        Assert.Equal(1, _tokens.IssuedCount);
        Assert.Equal("openai/gpt-4o-mini", Model(_wire.ChatRequests.Single(r => r.Path.StartsWith("/api/v1/", StringComparison.Ordinal))));
        Assert.Equal("sonnet", Model(_wire.ChatRequests.Single(r => r.Path.StartsWith("/proxy/v1/", StringComparison.Ordinal))));

        // The failover: openai failed once (one request: no retry, no wait), anthropic (next in Sample:FailoverOrder) answered.
        Assert.Contains("Failover (openai -> anthropic -> gemini -> vertex -> openrouter -> claude-cli):", output, StringComparison.Ordinal);
        Assert.Contains("served by anthropic: Hello from claude-haiku-4-5! You said: Which provider answers?", output, StringComparison.Ordinal);
        Assert.Contains("skipped openai: Unavailable:", output, StringComparison.Ordinal);
        Assert.Equal(2, _openAI.ChatRequests.Count);
    }

    [Fact]
    public async Task AllProviders_ReferencedVariableMissing_NamesTheSettingAndExits3()
    {
        var result = await Sample.RunAsync("AllProviders", SampleBackends.Merge(
            SampleBackends.NothingConfigured,
            new Dictionary<string, string?> { ["OPENAI_API_KEY"] = null, ["GEMINI_API_KEY"] = null }));

        Assert.True(result.ExitCode == 3, result.Describe("AllProviders"));
        Assert.Contains("The configuration is incomplete:", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("OpenAI:ApiKey", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("OPENAI_API_KEY", result.StandardOutput, StringComparison.Ordinal);
    }

    private static ScriptedResponse Unavailable() => ScriptedResponse.Json(
        """{"error":{"message":"The server is overloaded.","type":"server_error"}}""", 503, new Dictionary<string, string> { ["retry-after-ms"] = "0" });

    private static string? Model(RecordedRequest request) => request.Json().GetProperty("model").GetString();
}
