using System.Globalization;
using System.Text;
using System.Text.Json;
using LlmConnectors.IntegrationTests.Samples;

namespace LlmConnectors.IntegrationTests.Cli;

public sealed class LlmcTests(SampleBackends backends) : IClassFixture<SampleBackends>
{
    private const int SetupProblem = 3;
    private const int InvalidArguments = 2;

    [Fact]
    public async Task Doctor_NoCliAndNoKey_ExitsWithSetupProblemAndSaysWhatToFix()
    {
        var home = Directory.CreateTempSubdirectory("llmc-home-");
        var environment = SampleBackends.Merge(new Dictionary<string, string?> { ["HOME"] = home.FullName });

        var result = await Llmc.RunAsync(environment, "doctor");

        Assert.True(result.ExitCode == SetupProblem, result.Describe("llmc doctor"));
        var output = result.StandardOutput;
        Assert.Contains("claude was not found on PATH", output, StringComparison.Ordinal);
        Assert.Contains("npm install -g @anthropic-ai/claude-code", output, StringComparison.Ordinal);
        Assert.Contains("OPENROUTER_API_KEY not set", output, StringComparison.Ordinal);
        Assert.Contains("https://openrouter.ai/keys", output, StringComparison.Ordinal);
        Assert.Contains("To fix:", output, StringComparison.Ordinal);
        Assert.Contains("Ready: none", output, StringComparison.Ordinal);

        // One screen.
        Assert.True(output.Split('\n').Length <= 50, $"doctor printed {output.Split('\n').Length} lines:\n{output}");
        home.Delete(recursive: true);
    }

    [Fact]
    public async Task Doctor_OpenAIKeyOnly_ListsEveryProviderAsTheLibraryDetectsItAndNeverPrintsTheKey()
    {
        const string key = "sk-doctor-test-0000000000000000";
        var home = Directory.CreateTempSubdirectory("llmc-home-");
        var environment = SampleBackends.Merge(new Dictionary<string, string?> { ["HOME"] = home.FullName, ["OPENAI_API_KEY"] = key });

        var result = await Llmc.RunAsync(environment, "doctor", "--json");

        Assert.True(result.ExitCode == 0, result.Describe("llmc doctor --json"));
        using var report = JsonDocument.Parse(result.StandardOutput);
        var checks = report.RootElement.GetProperty("checks").EnumerateArray()
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => (Status: c.GetProperty("status").GetString(), Detail: c.GetProperty("detail").GetString()));
        Assert.Equal("ok", checks["Provider openai (openai/, the default)"].Status);
        foreach (var name in new[] { "anthropic", "gemini", "vertex", "openrouter", "claude-cli", "claude-proxy" })
        {
            var line = Assert.Single(checks, c => c.Key.StartsWith($"Provider {name} (", StringComparison.Ordinal));
            Assert.Equal("skipped", line.Value.Status);
            Assert.False(string.IsNullOrWhiteSpace(line.Value.Detail), $"{name}: no reason given");
        }

        Assert.Contains("openai", report.RootElement.GetProperty("ready").EnumerateArray().Select(r => r.GetString()));
        Assert.DoesNotContain(key, result.StandardOutput + result.StandardError, StringComparison.Ordinal);
        home.Delete(recursive: true);
    }

    [Fact]
    public async Task Doctor_OpenRouterKeyAccepted_ExitsZeroAndNeverPrintsTheKey()
    {
        var result = await Llmc.RunAsync(SampleBackends.Merge(backends.OpenRouterEnvironment), "doctor");

        Assert.True(result.ExitCode == 0, result.Describe("llmc doctor"));
        Assert.Contains("OPENROUTER_API_KEY set", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("key accepted", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Ready: OpenRouter", result.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(SampleOpenRouterServer.ApiKey, result.StandardOutput + result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_ClaudeCliWithApiKey_ReportsVersionAndLoginAndExitsZero()
    {
        var result = await Llmc.RunAsync(SampleBackends.Merge(backends.ClaudeCliEnvironment), "doctor");

        Assert.True(result.ExitCode == 0, result.Describe("llmc doctor"));
        Assert.Contains($"{RepositoryLayout.ClaudeExecutable}, version 2.1.330", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("logged in", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Ready: ClaudeCli", result.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(SampleBackends.AnthropicApiKey, result.StandardOutput + result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_RejectedKey_ReportsItAsJsonWithoutTheKey()
    {
        const string wrongKey = "sk-or-v1-wrong-key-do-not-print";
        var environment = SampleBackends.Merge(backends.OpenRouterEnvironment, new Dictionary<string, string?> { ["OPENROUTER_API_KEY"] = wrongKey });

        var result = await Llmc.RunAsync(environment, "doctor", "--json");

        Assert.True(result.ExitCode == SetupProblem, result.Describe("llmc doctor --json"));
        using var report = JsonDocument.Parse(result.StandardOutput);
        Assert.False(report.RootElement.GetProperty("ok").GetBoolean());
        var openRouter = report.RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "OpenRouter");
        Assert.Equal("error", openRouter.GetProperty("status").GetString());
        Assert.Contains("rejected the key", openRouter.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(wrongKey, result.StandardOutput + result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Models_Json_ListsTheCatalogueWithPricesContextAndModalities()
    {
        var result = await Llmc.RunAsync(SampleBackends.Merge(backends.OpenRouterEnvironment), "models", "--json");

        Assert.True(result.ExitCode == 0, result.Describe("llmc models --json"));
        using var models = JsonDocument.Parse(result.StandardOutput);
        Assert.Equal(5, models.RootElement.GetArrayLength());
        var mini = models.RootElement.EnumerateArray().Single(m => m.GetProperty("id").GetString() == "openai/gpt-4o-mini");
        Assert.Equal(0.15m, mini.GetProperty("promptPricePerMillion").GetDecimal());
        Assert.Equal(0.6m, mini.GetProperty("completionPricePerMillion").GetDecimal());
        Assert.Equal(128_000, mini.GetProperty("contextLength").GetInt64());
        Assert.Contains("image", mini.GetProperty("inputModalities").EnumerateArray().Select(m => m.GetString()));
    }

    [Fact]
    public async Task Models_FilteredByModalityAndMaxPrice_ShowsOnlyMatchingModelsCheapestFirst()
    {
        var environment = SampleBackends.Merge(backends.OpenRouterEnvironment, new Dictionary<string, string?> { ["OPENROUTER_API_KEY"] = null });

        var result = await Llmc.RunAsync(environment, "models", "--modality", "image", "--max-price", "1", "--sort", "price");

        Assert.True(result.ExitCode == 0, result.Describe("llmc models"));
        var output = result.StandardOutput;
        Assert.Contains("openai/gpt-4o-mini", output, StringComparison.Ordinal);
        Assert.Contains("google/gemini-2.5-flash", output, StringComparison.Ordinal);
        Assert.True(output.IndexOf("openai/gpt-4o-mini", StringComparison.Ordinal) < output.IndexOf("google/gemini-2.5-flash", StringComparison.Ordinal));
        Assert.DoesNotContain("anthropic/claude-sonnet-4.5", output, StringComparison.Ordinal);
        Assert.DoesNotContain("meta-llama", output, StringComparison.Ordinal);
        Assert.Contains("1,048,576", output, StringComparison.Ordinal);
        Assert.Contains("2 of 5 models", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_ScriptedOpenRouter_StreamsTheAnswerToStdoutAndUsageToStderr()
    {
        var result = await Llmc.RunAsync(SampleBackends.Merge(backends.OpenRouterEnvironment), "chat", "Say hi", "--model", "openai/gpt-4o-mini");

        Assert.True(result.ExitCode == 0, result.Describe("llmc chat"));
        Assert.Equal("Hello from openai/gpt-4o-mini! You said: Say hi", result.StandardOutput.Trim());
        Assert.Contains("OpenRouter", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("12 in /", result.StandardError, StringComparison.Ordinal);
        var request = backends.OpenRouter.Requests.Last(r => r.ToJsonString().Contains("Say hi", StringComparison.Ordinal));
        Assert.True(request["stream"]?.GetValue<bool>());
    }

    [Fact]
    public async Task Chat_JsonWithPromptOnStdin_PrintsOneJsonObject()
    {
        var result = await Llmc.RunWithInputAsync(
            SampleBackends.Merge(backends.OpenRouterEnvironment), "What is 2+2?", "chat", "-m", "openrouter/meta-llama/llama-3.1-8b-instruct", "--json");

        Assert.True(result.ExitCode == 0, result.Describe("llmc chat --json"));
        using var answer = JsonDocument.Parse(result.StandardOutput);
        Assert.Equal("OpenRouter", answer.RootElement.GetProperty("backend").GetString());
        Assert.Equal("meta-llama/llama-3.1-8b-instruct", answer.RootElement.GetProperty("model").GetString());
        Assert.Equal("Hello from meta-llama/llama-3.1-8b-instruct! You said: What is 2+2?", answer.RootElement.GetProperty("text").GetString());
        Assert.Equal("stop", answer.RootElement.GetProperty("finishReason").GetString());
    }

    [Theory]
    [InlineData("/help")]
    [InlineData("!ls")]
    public async Task Chat_ClaudeCliCommandLikePrompt_GoesToTheModelAsTyped(string prompt)
    {
        var result = await Llmc.RunAsync(SampleBackends.Merge(backends.ClaudeCliEnvironment), "chat", prompt, "-m", "cli/haiku");

        Assert.True(result.ExitCode == 0, result.Describe("llmc chat"));
        Assert.EndsWith($"! You said: {prompt}", result.StandardOutput.Trim(), StringComparison.Ordinal);
        var request = backends.Anthropic.Requests.Last(r => r.RawJson.Contains(prompt, StringComparison.Ordinal));
        Assert.Equal(prompt, request.ConversationMessages[^1].Text);
    }

    [Fact]
    public async Task Chat_ClaudeCliByModelPrefix_StreamsTheAnswerFromTheRealCli()
    {
        var result = await Llmc.RunAsync(SampleBackends.Merge(backends.ClaudeCliEnvironment), "chat", "Hello Claude", "-m", "cli/haiku");

        Assert.True(result.ExitCode == 0, result.Describe("llmc chat"));
        // The CLI resolves the alias "haiku" to a full model name before it calls the backend.
        Assert.StartsWith("Hello from claude-haiku", result.StandardOutput, StringComparison.Ordinal);
        Assert.EndsWith("! You said: Hello Claude", result.StandardOutput.Trim(), StringComparison.Ordinal);
        Assert.Contains("ClaudeCli", result.StandardError, StringComparison.Ordinal);
        var request = backends.Anthropic.Requests.Last(r => r.RawJson.Contains("Hello Claude", StringComparison.Ordinal));
        Assert.StartsWith("claude-haiku", request.Model, StringComparison.Ordinal);
        Assert.Empty(request.Tools);
    }

    [Fact]
    public async Task ChatAndDoctor_RunningProxy_AnswerThroughItAndReportItHealthy()
    {
        var (proxy, url) = await backends.StartProxyAsync(TestContext.Current.CancellationToken);
        await using (proxy)
        {
            var environment = SampleBackends.Merge(new Dictionary<string, string?> { ["CLAUDE_PROXY_URL"] = url });

            var chat = await Llmc.RunAsync(environment, "chat", "Through the proxy", "-m", "max/haiku");
            var doctor = await Llmc.RunAsync(environment, "doctor");

            Assert.True(chat.ExitCode == 0, chat.Describe("llmc chat") + "\n--- proxy ---\n" + proxy.Output);
            Assert.StartsWith("Hello from claude-haiku", chat.StandardOutput, StringComparison.Ordinal);
            Assert.Contains("ClaudeProxy", chat.StandardError, StringComparison.Ordinal);
            Assert.True(doctor.ExitCode == 0, doctor.Describe("llmc doctor"));
            Assert.Contains($"{url}/ healthy", doctor.StandardOutput, StringComparison.Ordinal);
            Assert.Contains("Ready: ClaudeProxy", doctor.StandardOutput, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Chat_NothingConfigured_ExitsWithSetupProblemAndSaysWhatToSet()
    {
        var result = await Llmc.RunAsync(SampleBackends.NothingConfigured, "chat", "Hello");

        Assert.True(result.ExitCode == SetupProblem, result.Describe("llmc chat"));
        Assert.Contains("OPENROUTER_API_KEY", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("CLAUDE_PROXY_URL", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("npm install -g @anthropic-ai/claude-code", result.StandardError, StringComparison.Ordinal);
        Assert.Empty(result.StandardOutput.Trim());
    }

    [Fact]
    public async Task Chat_ProviderRejectsTheKey_ExitsWithSetupProblemNamingTheBackend()
    {
        var environment = SampleBackends.Merge(backends.OpenRouterEnvironment, new Dictionary<string, string?> { ["OPENROUTER_API_KEY"] = "sk-or-v1-revoked" });

        var result = await Llmc.RunAsync(environment, "chat", "Hello", "-m", "openai/gpt-4o-mini");

        Assert.True(result.ExitCode == SetupProblem, result.Describe("llmc chat"));
        Assert.Contains("OpenRouter failed (Authentication, HTTP 401)", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-or-v1-revoked", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_ProviderRejectsTheRequest_ExitsWithRequestFailedAndTheProvidersMessage()
    {
        var result = await Llmc.RunAsync(SampleBackends.Merge(backends.OpenRouterEnvironment), "chat", "Hello", "-m", SampleOpenRouterServer.InvalidModel);

        Assert.True(result.ExitCode == 1, result.Describe("llmc chat"));
        Assert.Contains("OpenRouter failed (InvalidRequest, HTTP 400)", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("is not a valid model ID", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Llmc_InvalidOptionValue_ExitsWithInvalidArguments()
    {
        var result = await Llmc.RunAsync(SampleBackends.NothingConfigured, "models", "--sort", "popularity");

        Assert.True(result.ExitCode == InvalidArguments, result.Describe("llmc models --sort popularity"));
        Assert.Contains("popularity", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("llmc --help", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_WithTheClaudeCli_AnswersOpenAiChatCompletionsOnTheGivenPort()
    {
        var port = BackgroundProgram.FreePort();
        var dll = RepositoryLayout.BuiltAssembly(Path.Combine(RepositoryLayout.Root, "src", "LlmConnectors.Cli"), "llmc");
        var environment = SampleBackends.Merge(
            backends.ClaudeCliEnvironment,
            new Dictionary<string, string?> { ["ClaudeProxy__Cli__ExecutablePath"] = RepositoryLayout.ClaudeExecutable });
        await using var serve = BackgroundProgram.Start(
            DotnetHost.Path, [dll, "serve", "--port", port.ToString(CultureInfo.InvariantCulture)], Path.GetTempPath(), environment);
        await serve.WaitUntilHealthyAsync(new Uri($"http://127.0.0.1:{port}/health"), TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        using var http = new HttpClient();
        using var response = await http.PostAsync(
            new Uri($"http://127.0.0.1:{port}/v1/chat/completions"),
            new StringContent("""{"model":"haiku","messages":[{"role":"user","content":"Served by llmc?"}]}""", Encoding.UTF8, "application/json"),
            TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.True(response.IsSuccessStatusCode, $"HTTP {(int)response.StatusCode}: {body}\n--- llmc serve ---\n{serve.Output}");
        using var completion = JsonDocument.Parse(body);
        var text = completion.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString();
        Assert.Contains("You said: Served by llmc?", text, StringComparison.Ordinal);
    }
}
