using System.Text.Json;
using Microsoft.Extensions.AI;
using static LlmConnectors.Tests.OpenRouter.OpenRouterTestData;

namespace LlmConnectors.Tests.OpenRouter;

public class OpenRouterExtrasTests
{
    private static async Task<JsonElement> SendAsync(ChatOptions? options, Action<OpenRouterClientOptions>? configure = null)
    {
        var (client, handler) = CreateClient(configure);
        handler.EnqueueJson(Completion);
        await client.GetResponseAsync("hi", options, TestContext.Current.CancellationToken);
        return handler.Requests[0].Json();
    }

    [Fact]
    public async Task TypedExtras_PerRequest_SerializedWithOpenRouterNames()
    {
        var options = new ChatOptions()
            .WithOpenRouterModels("anthropic/claude-sonnet-4.5", "openai/gpt-4o")
            .WithOpenRouterProvider(new OpenRouterProviderPreferences
            {
                Order = ["anthropic", "openai"],
                Only = ["anthropic"],
                Ignore = ["deepinfra"],
                AllowFallbacks = false,
                RequireParameters = true,
                DataCollection = "deny",
                Zdr = true,
                Quantizations = ["fp8"],
                Sort = "throughput",
                MaxPrice = new OpenRouterMaxPrice { Prompt = 1, Completion = 2.5m, Request = 0.01m, Image = 0.02m },
            })
            .WithOpenRouterPlugins(OpenRouterPlugin.Web(maxResults: 3), OpenRouterPlugin.FileParser("mistral-ocr"))
            .WithOpenRouterReasoning(new OpenRouterReasoningOptions { MaxTokens = 2000, Exclude = false, Enabled = true })
            .WithEndUserId("user-42");

        var body = await SendAsync(options);

        Assert.Equal("""["anthropic/claude-sonnet-4.5","openai/gpt-4o"]""", body.GetProperty("models").GetRawText());
        Assert.Equal(
            """{"order":["anthropic","openai"],"only":["anthropic"],"ignore":["deepinfra"],"allow_fallbacks":false,"require_parameters":true,"data_collection":"deny","zdr":true,"quantizations":["fp8"],"sort":"throughput","max_price":{"prompt":1,"completion":2.5,"request":0.01,"image":0.02}}""",
            body.GetProperty("provider").GetRawText());
        Assert.Equal("""[{"id":"web","max_results":3},{"id":"file-parser","pdf":{"engine":"mistral-ocr"}}]""", body.GetProperty("plugins").GetRawText());
        Assert.Equal("""{"max_tokens":2000,"exclude":false,"enabled":true}""", body.GetProperty("reasoning").GetRawText());
        Assert.Equal("user-42", body.GetProperty("user").GetString());
        Assert.False(body.TryGetProperty("reasoning_effort", out _));
    }

    [Fact]
    public async Task TypedExtras_ClientDefaults_SentUnlessTheRequestOverrides()
    {
        void Configure(OpenRouterClientOptions o)
        {
            o.Models = ["fallback/a"];
            o.Provider = new OpenRouterProviderPreferences { Sort = "price" };
            o.Plugins = [new OpenRouterPlugin("response-healing")];
            o.Reasoning = new OpenRouterReasoningOptions { Effort = "low" };
        }

        var defaults = await SendAsync(null, Configure);
        var overridden = await SendAsync(new ChatOptions().WithOpenRouterProvider(new OpenRouterProviderPreferences { Sort = "latency" }), Configure);

        Assert.Equal("""["fallback/a"]""", defaults.GetProperty("models").GetRawText());
        Assert.Equal("""{"sort":"price"}""", defaults.GetProperty("provider").GetRawText());
        Assert.Equal("""[{"id":"response-healing"}]""", defaults.GetProperty("plugins").GetRawText());
        Assert.Equal("""{"effort":"low"}""", defaults.GetProperty("reasoning").GetRawText());
        Assert.Equal("""{"sort":"latency"}""", overridden.GetProperty("provider").GetRawText());
        Assert.Equal("""["fallback/a"]""", overridden.GetProperty("models").GetRawText());
    }

    [Fact]
    public async Task ChatOptionsReasoning_MappedToOpenRouterReasoningObject()
    {
        var body = await SendAsync(new ChatOptions { Reasoning = new ReasoningOptions { Effort = ReasoningEffort.High, Output = ReasoningOutput.None } });

        Assert.Equal("""{"effort":"high","exclude":true}""", body.GetProperty("reasoning").GetRawText());
        Assert.False(body.TryGetProperty("reasoning_effort", out _));
    }

    [Fact]
    public async Task TypedReasoning_WinsOverChatOptionsReasoning()
    {
        var options = new ChatOptions { Reasoning = new ReasoningOptions { Effort = ReasoningEffort.High } }
            .WithOpenRouterReasoning(new OpenRouterReasoningOptions { Effort = "minimal" });

        var body = await SendAsync(options);

        Assert.Equal("""{"effort":"minimal"}""", body.GetProperty("reasoning").GetRawText());
    }

    [Fact]
    public async Task LooseExtras_AsJsonOrDictionaries_PassedThrough()
    {
        var options = new ChatOptions
        {
            AdditionalProperties = new()
            {
                ["provider"] = JsonDocument.Parse("""{"order":["x"]}""").RootElement,
                ["models"] = new[] { "a/b" },
                ["transforms"] = new[] { "middle-out" },
            },
        };

        var body = await SendAsync(options);

        Assert.Equal("""{"order":["x"]}""", body.GetProperty("provider").GetRawText());
        Assert.Equal("""["a/b"]""", body.GetProperty("models").GetRawText());
        Assert.Equal("""["middle-out"]""", body.GetProperty("transforms").GetRawText());
    }

    [Fact]
    public void Extensions_NullArguments_ThrowWithTheArgumentName()
    {
        Assert.Throws<ArgumentNullException>("options", () => ((ChatOptions)null!).WithOpenRouterModels("a"));
        Assert.Throws<ArgumentNullException>("provider", () => new ChatOptions().WithOpenRouterProvider(null!));
        Assert.Throws<ArgumentNullException>("reasoning", () => new ChatOptions().WithOpenRouterReasoning(null!));
        Assert.Throws<ArgumentException>("models", () => new ChatOptions().WithOpenRouterModels("a", " "));
        Assert.Throws<ArgumentException>("userId", () => new ChatOptions().WithEndUserId(""));
    }

    [Fact]
    public void Extensions_StoredInAdditionalProperties_SurviveClone()
    {
        var options = new ChatOptions().WithOpenRouterModels("a/b").WithOpenRouterProvider(new OpenRouterProviderPreferences { Sort = "price" });

        var clone = options.Clone();

        Assert.IsType<OpenRouterProviderPreferences>(clone.AdditionalProperties!["provider"]);
        Assert.Equal(["a/b"], (IEnumerable<string>)clone.AdditionalProperties["models"]!);
    }
}
