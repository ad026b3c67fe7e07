namespace LlmConnectors.IntegrationTests.Samples;

/// <summary>Runs every sample against the scripted backends, as a user would with <c>dotnet run --project samples/&lt;Name&gt;</c>.</summary>
public sealed class SampleTests(SampleBackends backends) : IClassFixture<SampleBackends>
{
    private const int NotConfigured = 3;

    [Fact]
    public async Task QuickStart_NothingConfigured_SaysWhatToSetOnOneScreenAndExits3()
    {
        var result = await Sample.RunAsync("QuickStart", SampleBackends.NothingConfigured);

        Assert.True(result.ExitCode == NotConfigured, result.Describe("QuickStart"));
        Assert.Contains("OPENROUTER_API_KEY", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("npm install -g @anthropic-ai/claude-code", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("CLAUDE_PROXY_URL", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("llmc doctor", result.StandardOutput, StringComparison.Ordinal);
        Assert.True(result.StandardOutput.Split('\n').Length <= 25, "More than one screen:\n" + result.StandardOutput);
        Assert.Empty(result.StandardError);
    }

    [Fact]
    public async Task QuickStart_OpenRouter_StreamsTheAnswerThroughThePipeline()
    {
        var result = await Sample.RunAsync("QuickStart", SampleBackends.Merge(backends.OpenRouterEnvironment));

        Assert.True(result.ExitCode == 0, result.Describe("QuickStart"));
        Assert.Contains("Backend: OpenRouter (" + backends.OpenRouter.BaseUrl, result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Answer (streamed): Hello from openai/gpt-4o-mini! You said: What is Microsoft.Extensions.AI's IChatClient?", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Tokens: 12 in", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QuickStart_ClaudeCli_StreamsTheAnswerFromTheRealCli()
    {
        var result = await Sample.RunAsync("QuickStart", SampleBackends.Merge(backends.ClaudeCliEnvironment));

        Assert.True(result.ExitCode == 0, result.Describe("QuickStart"));
        Assert.Contains($"Backend: Claude Code CLI ({RepositoryLayout.ClaudeExecutable})", result.StandardOutput, StringComparison.Ordinal);
        // The CLI resolves the alias "sonnet" to a full model name before it calls the backend.
        Assert.Contains("Answer (streamed): Hello from claude-sonnet", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("You said: What is Microsoft.Extensions.AI's IChatClient?", result.StandardOutput, StringComparison.Ordinal);
        var request = backends.Anthropic.Requests.Last(r => r.RawJson.Contains("IChatClient", StringComparison.Ordinal));
        Assert.Contains("You answer in one short sentence.", string.Join('\n', request.System), StringComparison.Ordinal);
        Assert.Empty(request.Tools);
    }

    [Fact]
    public async Task StructuredOutput_OpenRouter_PrintsTheTypedInvoice()
    {
        var result = await Sample.RunAsync("StructuredOutput", SampleBackends.Merge(backends.OpenRouterEnvironment));

        Assert.True(result.ExitCode == 0, result.Describe("StructuredOutput"));

        // The scripted server answers with an instance of the requested schema: strings "sample", integers 42, numbers 4.5.
        Assert.Contains("Invoice sample for sample: 4.5 sample", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("42 x sample at 4.5", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Validated after 1 attempt(s)", result.StandardOutput, StringComparison.Ordinal);
        var request = backends.OpenRouter.Requests.Last(r => r.ToJsonString().Contains("INV-2041", StringComparison.Ordinal));
        Assert.Equal("json_schema", request["response_format"]?["type"]?.GetValue<string>());
    }

    [Fact]
    public async Task Multimodal_LocalPng_ReachesTheVisionModelAndIsReplacedForTheTextModel()
    {
        var result = await Sample.RunAsync("Multimodal", SampleBackends.Merge(backends.OpenRouterEnvironment));

        Assert.True(result.ExitCode == 0, result.Describe("Multimodal"));
        var png = new FileInfo(Path.Combine(RepositoryLayout.SamplesDirectory, "Multimodal", "images", "chart.png"));
        Assert.Contains($"openai/gpt-4o-mini: I see 1 image(s): a image/png of {png.Length} bytes, 96x64 pixels", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("meta-llama/llama-3.1-8b-instruct: Hello from meta-llama/llama-3.1-8b-instruct!", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("[An image was removed here because the model does not accept images.]", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Failover_PrimaryUnavailable_AnswersFromTheFallbackAndSaysWhy()
    {
        var environment = SampleBackends.Merge(
            backends.OpenRouterEnvironment,
            new Dictionary<string, string?> { ["FAILOVER_PRIMARY_MODEL"] = SampleOpenRouterServer.UnavailableModel });

        var result = await Sample.RunAsync("Failover", environment);

        Assert.True(result.ExitCode == 0, result.Describe("Failover"));
        Assert.Contains("Answer: Hello from openai/gpt-4o-mini!", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Served by: fallback (openai/gpt-4o-mini)", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Skipped: primary (scripted/unavailable)", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DependencyInjection_OpenRouter_AnswersThroughThePipelineFromAppSettings()
    {
        var result = await Sample.RunAsync("DependencyInjection", SampleBackends.Merge(backends.OpenRouterEnvironment, backends.ClaudeCliEnvironment));

        Assert.True(result.ExitCode == 0, result.Describe("DependencyInjection"));
        Assert.Contains("Claude CLI (claude-haiku", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("You said: Say hello.", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Tip (openai/gpt-4o-mini): Hello from openai/gpt-4o-mini! You said: Give me one tip", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Routed (anthropic/claude-sonnet-4.5): Hello from anthropic/claude-sonnet-4.5! You said: Say hello.", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Typed: sample, 4.5 °C, sample", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DependencyInjection_NoKey_StopsAtStartUpNamingTheSetting()
    {
        var environment = SampleBackends.Merge(backends.OpenRouterEnvironment, new Dictionary<string, string?> { ["OPENROUTER_API_KEY"] = null });

        var result = await Sample.RunAsync("DependencyInjection", environment);

        Assert.True(result.ExitCode == NotConfigured, result.Describe("DependencyInjection"));
        Assert.Contains("The configuration is incomplete:", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("LlmConnectors:OpenRouter:ApiKey", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("OPENROUTER_API_KEY", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProxyClient_RunningProxy_AnswersTheOpenAiSdkInBothModes()
    {
        var (proxy, url) = await backends.StartProxyAsync(TestContext.Current.CancellationToken);
        await using (proxy)
        {
            var environment = SampleBackends.Merge(new Dictionary<string, string?> { ["CLAUDE_PROXY_URL"] = url });

            var result = await Sample.RunAsync("ProxyClient", environment);

            Assert.True(result.ExitCode == 0, result.Describe("ProxyClient") + "\n--- proxy ---\n" + proxy.Output);
            Assert.Contains("OpenAI SDK (", result.StandardOutput, StringComparison.Ordinal);
            Assert.Contains("You said: Name the three primary colours.", result.StandardOutput, StringComparison.Ordinal);
            Assert.Contains("OpenAI SDK, streamed: Hello from claude-", result.StandardOutput, StringComparison.Ordinal);
            Assert.Contains("You said: Count to three.", result.StandardOutput, StringComparison.Ordinal);
            Assert.Contains("ClaudeProxyChatClient (", result.StandardOutput, StringComparison.Ordinal);
            Assert.Contains("You said: What is the capital of Norway?", result.StandardOutput, StringComparison.Ordinal);
            Assert.Contains("ClaudeProxyChatClient, streamed: Hello from claude-", result.StandardOutput, StringComparison.Ordinal);
            Assert.Contains("You said: Say goodbye.", result.StandardOutput, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task QuickStart_ClaudeProxy_AnswersThroughTheRunningProxy()
    {
        var (proxy, url) = await backends.StartProxyAsync(TestContext.Current.CancellationToken);
        await using (proxy)
        {
            var result = await Sample.RunAsync("QuickStart", SampleBackends.Merge(new Dictionary<string, string?> { ["CLAUDE_PROXY_URL"] = url }));

            Assert.True(result.ExitCode == 0, result.Describe("QuickStart") + "\n--- proxy ---\n" + proxy.Output);
            Assert.Contains($"Backend: Claude proxy ({url}/v1)", result.StandardOutput, StringComparison.Ordinal);
            Assert.Contains("Answer (streamed): Hello from claude-sonnet", result.StandardOutput, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ProxyClient_NoProxyUrl_SaysWhatToSetAndExits3()
    {
        var result = await Sample.RunAsync("ProxyClient", SampleBackends.NothingConfigured);

        Assert.True(result.ExitCode == NotConfigured, result.Describe("ProxyClient"));
        Assert.Contains("CLAUDE_PROXY_URL", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SemanticKernel_OpenRouter_PromptChatStreamingAndPluginAnswer()
    {
        var result = await Sample.RunAsync("SemanticKernel", SampleBackends.Merge(backends.OpenRouterEnvironment));

        Assert.True(result.ExitCode == 0, result.Describe("SemanticKernel"));
        Assert.Contains("Backend: openrouter", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Prompt function: Hello from openai/gpt-4o-mini! You said: Translate 'cheese' into French.", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Chat, second turn: Hello from openai/gpt-4o-mini! You said: Name another one.", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Streamed: Hello from openai/gpt-4o-mini! You said: Count to three.", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Plugin: openai/gpt-4o-mini used the tool, which returned: It is 09:30 in sample.", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SemanticKernel_ClaudeCli_PromptChatStreamingAndPluginThroughTheRealCli()
    {
        var result = await Sample.RunAsync("SemanticKernel", SampleBackends.Merge(backends.ClaudeCliEnvironment));

        Assert.True(result.ExitCode == 0, result.Describe("SemanticKernel"));
        Assert.Contains("Backend: claude-code", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("You said: Translate 'cheese' into French.", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("You said: Name another one.", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("You said: Count to three.", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("used the tool, which returned: It is 09:30 in sample.", result.StandardOutput, StringComparison.Ordinal);
        var call = backends.Anthropic.Requests.Last(r => r.RawJson.Contains("What time is it in Oslo?", StringComparison.Ordinal) && r.Tools.Contains("mcp__pack__Clock_current_time"));
        Assert.Equal("Gets the current time in a city.", call.ToolDefinitions.Single(t => t.GetProperty("name").GetString() == "mcp__pack__Clock_current_time").GetProperty("description").GetString());
    }

    [Fact]
    public async Task AgentFramework_OpenRouter_SessionTypedStreamingAndTool()
    {
        var result = await Sample.RunAsync("AgentFramework", SampleBackends.Merge(backends.OpenRouterEnvironment));

        Assert.True(result.ExitCode == 0, result.Describe("AgentFramework"));
        Assert.Contains("Guide: Hello from openai/gpt-4o-mini! You said: Pick a city for a weekend.", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Guide: Hello from openai/gpt-4o-mini! You said: And one museum there?", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Typed: sample, sample, population 42", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Guide (streamed): Hello from openai/gpt-4o-mini! You said: Say goodbye.", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Tool: openai/gpt-4o-mini used the tool, which returned: 09:30 in sample", result.StandardOutput, StringComparison.Ordinal);
        var second = backends.OpenRouter.Requests.Last(r => r.ToJsonString().Contains("And one museum there?", StringComparison.Ordinal));
        Assert.Equal("You are a terse travel guide.", second["messages"]![0]!["content"]!.GetValue<string>());
    }

    [Fact]
    public async Task AgentFramework_ClaudeCli_SessionTypedStreamingAndToolThroughTheRealCli()
    {
        var result = await Sample.RunAsync("AgentFramework", SampleBackends.Merge(backends.ClaudeCliEnvironment));

        Assert.True(result.ExitCode == 0, result.Describe("AgentFramework"));
        Assert.Contains("You said: And one museum there?", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Typed: sample, sample, population 42", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("You said: Say goodbye.", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("used the tool, which returned: 09:30 in sample", result.StandardOutput, StringComparison.Ordinal);
        var answered = backends.Anthropic.Requests.Last(r => r.RawJson.Contains("What time is it in Lima?", StringComparison.Ordinal));
        Assert.Contains("You are a terse travel guide.", string.Join('\n', answered.System), StringComparison.Ordinal);
        Assert.Contains("09:30 in sample", Assert.Single(answered.ConversationMessages[^1].Blocks("tool_result")).GetProperty("content").GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public void Samples_EveryProjectUnderSamples_IsInTheSolutionAndRunByATest()
    {
        var solution = File.ReadAllText(Path.Combine(RepositoryLayout.Root, "LlmConnectors.sln"));
        var tests = string.Concat(Directory.EnumerateFiles(Path.Combine(RepositoryLayout.Root, "tests", "LlmConnectors.IntegrationTests", "Samples"), "*Tests.cs").Select(File.ReadAllText));
        foreach (var project in Directory.EnumerateFiles(RepositoryLayout.SamplesDirectory, "*.csproj", SearchOption.AllDirectories))
        {
            var name = Path.GetFileNameWithoutExtension(project);
            Assert.Contains($"samples\\{name}\\{name}.csproj", solution, StringComparison.Ordinal);
            Assert.Contains($"Sample.RunAsync(\"{name}\"", tests, StringComparison.Ordinal);
        }
    }
}
