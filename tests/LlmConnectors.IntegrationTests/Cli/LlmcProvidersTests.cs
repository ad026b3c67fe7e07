using System.Text.Json;
using LlmConnectors.IntegrationTests.Samples;
using LlmConnectors.TestServers.Google;
using LlmConnectors.TestServers.OpenRouter;

namespace LlmConnectors.IntegrationTests.Cli;

/// <summary>
/// <c>llmc</c> over every provider the library detects: <c>chat</c> routed by the library's prefixes, <c>models</c> listed from every
/// configured provider at once (a failing one reported, the others listed), <c>config show</c> and <c>config validate</c>; against
/// scripted servers of each wire format and Google's token endpoint.
/// </summary>
public sealed class LlmcProvidersTests(SampleBackends backends) : IClassFixture<SampleBackends>, IAsyncLifetime
{
    private const int RequestFailed = 1;
    private const int SetupProblem = 3;

    private OpenRouterTestServer _wire = null!;
    private GoogleTokenServer _tokens = null!;
    private DirectoryInfo _directory = null!;

    public async ValueTask InitializeAsync()
    {
        _wire = await OpenRouterTestServer.StartAsync(TestContext.Current.CancellationToken);
        _tokens = await GoogleTokenServer.StartAsync(TestContext.Current.CancellationToken);
        _directory = Directory.CreateTempSubdirectory("llmc-providers-cli-");
    }

    public async ValueTask DisposeAsync()
    {
        await _wire.DisposeAsync();
        await _tokens.DisposeAsync();
        _directory.Delete(recursive: true);
    }

    /// <summary>OpenAI, Anthropic, Gemini and Vertex AI on scripted servers, and OpenRouter on the samples' server.</summary>
    private Dictionary<string, string?> FiveProviders() => SampleBackends.Merge(
        backends.OpenRouterEnvironment,
        new Dictionary<string, string?>
        {
            ["OPENAI_API_KEY"] = "sk-openai-scripted",
            ["OpenAI__Endpoint"] = new Uri(_wire.BaseAddress, "openai/v1").ToString(),
            ["ANTHROPIC_API_KEY"] = SampleBackends.AnthropicApiKey,
            ["Anthropic__Endpoint"] = backends.Anthropic.BaseUrl,
            ["Anthropic__Retry__Enabled"] = "false",
            ["GEMINI_API_KEY"] = "gemini-scripted",
            ["Gemini__Endpoint"] = new Uri(_wire.BaseAddress, "v1beta/openai/").ToString(),
            ["GOOGLE_APPLICATION_CREDENTIALS"] = _tokens.WriteServiceAccountFile(_directory.FullName, "cli-project"),
            ["VertexAI__Endpoint"] = new Uri(_wire.BaseAddress, "vertex/v1/projects/cli-project/locations/global/endpoints/openapi").ToString(),
        });

    [Theory]
    [InlineData("openai/gpt-4o-mini", "OpenAI", "gpt-4o-mini", "/openai/v1/chat/completions")]
    [InlineData("gemini/gemini-2.5-pro", "Gemini", "gemini-2.5-pro", "/v1beta/openai/chat/completions")]
    [InlineData("vertex/google/gemini-2.5-flash", "VertexAI", "google/gemini-2.5-flash", "/vertex/v1/projects/cli-project/locations/global/endpoints/openapi/chat/completions")]
    public async Task Chat_ModelPrefix_RoutedByTheLibraryToItsProvider(string model, string backend, string wireModel, string path)
    {
        var result = await Llmc.RunAsync(FiveProviders(), "chat", $"Hello {backend}", "-m", model, "--json");

        Assert.True(result.ExitCode == 0, result.Describe("llmc chat"));
        using var answer = JsonDocument.Parse(result.StandardOutput);
        Assert.Equal(backend, answer.RootElement.GetProperty("backend").GetString());
        Assert.Equal($"You said: Hello {backend}", answer.RootElement.GetProperty("text").GetString());
        var request = _wire.ChatRequests.Last(r => r.Body.Contains($"Hello {backend}", StringComparison.Ordinal));
        Assert.Equal(path, request.Path);
        Assert.Equal(wireModel, request.Json().GetProperty("model").GetString());
    }

    [Fact]
    public async Task Chat_AnthropicPrefix_TheOfficialSdkAgainstTheScriptedMessagesApi()
    {
        var result = await Llmc.RunAsync(FiveProviders(), "chat", "Hello Anthropic", "-m", "anthropic/claude-haiku-4-5");

        Assert.True(result.ExitCode == 0, result.Describe("llmc chat"));
        Assert.Equal("Hello from claude-haiku-4-5! You said: Hello Anthropic", result.StandardOutput.Trim());
        Assert.Contains("Anthropic", result.StandardError, StringComparison.Ordinal);
        var request = backends.Anthropic.Requests.Last(r => r.RawJson.Contains("Hello Anthropic", StringComparison.Ordinal));
        Assert.Equal("claude-haiku-4-5", request.Model);
    }

    [Fact]
    public async Task Models_EveryProviderListedConcurrently_TheFailingOneReportedAndExit1()
    {
        _wire.ModelsJson = """{"object":"list","data":[{"id":"gpt-4o-mini","object":"model","created":1721260800,"owned_by":"openai"},{"id":"gemini-2.5-flash","object":"model","created":1721260800,"owned_by":"google"}]}""";

        var result = await Llmc.RunAsync(FiveProviders(), "models", "--json");

        // The scripted Messages API has no /v1/models: Anthropic fails, and says so; every other provider is listed.
        Assert.True(result.ExitCode == RequestFailed, result.Describe("llmc models"));
        using var models = JsonDocument.Parse(result.StandardOutput);
        var listed = models.RootElement.EnumerateArray().Select(m => m.GetProperty("model").GetString()).ToList();
        Assert.Contains("openai/gpt-4o-mini", listed);
        Assert.Contains("gemini/gemini-2.5-flash", listed);
        Assert.Contains("vertex/gemini-2.5-flash", listed);
        Assert.Contains("openrouter/openai/gpt-4o-mini", listed);
        Assert.DoesNotContain(listed, m => m!.StartsWith("anthropic/", StringComparison.Ordinal));
        Assert.Contains("Anthropic: could not list the models (NotFound", result.StandardError, StringComparison.Ordinal);
        var openRouter = models.RootElement.EnumerateArray().First(m => m.GetProperty("model").GetString() == "openrouter/openai/gpt-4o-mini");
        Assert.Equal("openrouter", openRouter.GetProperty("provider").GetString());
        Assert.Equal(0.15m, openRouter.GetProperty("promptPricePerMillion").GetDecimal());
    }

    [Fact]
    public async Task ConfigShow_FileAndEnvironment_ListsProvidersModelsAndSettingsWithSecretsMasked()
    {
        var file = Path.Combine(_directory.FullName, "llmc.json");
        await File.WriteAllTextAsync(file, """
            {
              "OpenAI": { "ApiKey": "sk-literal-secret-4242", "ModelId": "gpt-4o" },
              "Gemini": { "ApiKey": "${LLMC_TEST_GEMINI_KEY}", "ModelId": "gemini-2.5-pro" },
              "ClaudeCli": { "Enabled": false },
              "LlmConnectors": { "DefaultProvider": "gemini" }
            }
            """, TestContext.Current.CancellationToken);
        var environment = SampleBackends.Merge(SampleBackends.NothingConfigured, new Dictionary<string, string?> { ["LLMC_TEST_GEMINI_KEY"] = "gemini-secret-4242" });

        var result = await Llmc.RunAsync(environment, "config", "show", "--config", file);

        Assert.True(result.ExitCode == 0, result.Describe("llmc config show"));
        var output = result.StandardOutput;
        Assert.Contains($"Configuration: {file} and the environment", output, StringComparison.Ordinal);
        Assert.Matches(@"openai\s+openai/\s+gpt-4o\s+configured: OpenAI:ApiKey is set\.", output);
        Assert.Matches(@"gemini\s+gemini/\s+gemini-2\.5-pro\s+configured", output);
        Assert.Matches(@"claude-cli\s+max/\s+-\s+not configured: ClaudeCli:Enabled is false\.", output);
        Assert.Contains("Default provider (model ids without a known prefix): gemini", output, StringComparison.Ordinal);
        Assert.Contains("OpenAI:ApiKey = ****", output, StringComparison.Ordinal);
        Assert.Contains("Gemini:ApiKey = ${LLMC_TEST_GEMINI_KEY}", output, StringComparison.Ordinal);
        Assert.DoesNotContain("4242", output, StringComparison.Ordinal);
        Assert.Contains("Valid: 2 provider(s) configured.", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigValidate_EveryProblemWithItsSettingAndExit3()
    {
        var file = Path.Combine(_directory.FullName, "broken.json");
        await File.WriteAllTextAsync(file, """
            {
              "OpenAI": { "ApiKey": "${LLMC_TEST_UNSET_OPENAI}" },
              "Anthropic": { "ApiKey": "${LLMC_TEST_UNSET_ANTHROPIC}" }
            }
            """, TestContext.Current.CancellationToken);

        var result = await Llmc.RunAsync(SampleBackends.NothingConfigured, "config", "validate", file, "--json");

        Assert.True(result.ExitCode == SetupProblem, result.Describe("llmc config validate"));
        using var report = JsonDocument.Parse(result.StandardOutput);
        Assert.False(report.RootElement.GetProperty("valid").GetBoolean());
        var problems = report.RootElement.GetProperty("problems").EnumerateArray().Select(p => p.GetString()!).ToList();
        Assert.Contains(problems, p => p.StartsWith("OpenAI:ApiKey references ${LLMC_TEST_UNSET_OPENAI}", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Anthropic:ApiKey references ${LLMC_TEST_UNSET_ANTHROPIC}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ConfigValidate_InvalidLimitAndMissingFile_NameTheSettingAndTheFile()
    {
        var file = Path.Combine(_directory.FullName, "limits.json");
        await File.WriteAllTextAsync(file, """{ "OpenAI": { "ApiKey": "sk-x", "Limits": { "MaxConcurrentRequests": 0 } } }""", TestContext.Current.CancellationToken);

        var invalid = await Llmc.RunAsync(SampleBackends.NothingConfigured, "config", "validate", file);
        var missing = await Llmc.RunAsync(SampleBackends.NothingConfigured, "config", "validate", Path.Combine(_directory.FullName, "nowhere.json"));

        Assert.True(invalid.ExitCode == SetupProblem, invalid.Describe("llmc config validate"));
        Assert.Contains("OpenAI:Limits:MaxConcurrentRequests", invalid.StandardOutput, StringComparison.Ordinal);
        Assert.True(missing.ExitCode == SetupProblem, missing.Describe("llmc config validate"));
        Assert.Contains("nowhere.json' does not exist", missing.StandardOutput, StringComparison.Ordinal);
    }
}
