using Microsoft.Extensions.AI;
using static LlmConnectors.Tests.OpenRouter.OpenRouterTestData;

namespace LlmConnectors.Tests.OpenRouter;

public class OpenRouterModelsTests
{
    private const string Catalogue = """
        {"data":[
          {"id":"openai/gpt-4o-mini","name":"GPT-4o-mini","created":1721260800,"description":"small","context_length":128000,
           "architecture":{"modality":"text+image->text","input_modalities":["text","image","file"],"output_modalities":["text"]},
           "pricing":{"prompt":"0.00000015","completion":"0.0000006","request":"0","image":"0.000217","input_cache_read":"0.000000075"},
           "top_provider":{"context_length":128000,"max_completion_tokens":16384},
           "supported_parameters":["tools","response_format","structured_outputs"]},
          {"id":"acme/plain","context_length":4096,"architecture":{"modality":"text->text"},"pricing":{"prompt":"0.000001","request":"0.001"},"supported_parameters":["max_tokens"]},
          {"id":"","name":"no id"}
        ]}
        """;

    [Fact]
    public async Task ListModelsAsync_Catalogue_MapsContextPricingModalitiesAndParameters()
    {
        var (client, handler) = CreateClient();
        handler.EnqueueJson(Catalogue);

        var models = await client.ListModelsAsync(TestContext.Current.CancellationToken);

        Assert.Equal(2, models.Count);
        var mini = models[0];
        Assert.Equal("openai/gpt-4o-mini", mini.Id);
        Assert.Equal("GPT-4o-mini", mini.Name);
        Assert.Equal(128000, mini.ContextLength);
        Assert.Equal(16384, mini.MaxCompletionTokens);
        Assert.Equal(0.00000015m, mini.Pricing.Prompt);
        Assert.Equal(0.0000006m, mini.Pricing.Completion);
        Assert.Equal(0m, mini.Pricing.Request);
        Assert.Equal(0.000000075m, mini.Pricing.InputCacheRead);
        Assert.Equal(["text", "image", "file"], mini.InputModalities);
        Assert.True(mini.Supports("structured_outputs"));
        Assert.True(mini.Accepts("image"));
        Assert.Equal(["text"], models[1].InputModalities);
        Assert.Equal(0.001m, models[1].Pricing.Request);
        Assert.Equal(HttpMethod.Get, handler.Requests[0].Method);
        Assert.Equal("https://openrouter.ai/api/v1/models", handler.Requests[0].Uri.ToString());
        Assert.Equal("Bearer sk-or-test-secret", handler.Requests[0].Headers["Authorization"]);
    }

    [Fact]
    public async Task CapabilityProvider_FromCatalogue_AnswersPerModelAndCachesTheCatalogue()
    {
        var (client, handler) = CreateClient();
        handler.EnqueueJson(Catalogue);
        var provider = client.GetService<IModelCapabilityProvider>()!;
        var token = TestContext.Current.CancellationToken;

        var mini = await provider.GetModelCapabilitiesAsync("openai/gpt-4o-mini", token);
        var free = await provider.GetModelCapabilitiesAsync("openai/gpt-4o-mini:free", token);
        var plain = await provider.GetModelCapabilitiesAsync("acme/plain", token);
        var unknown = await provider.GetModelCapabilitiesAsync("nobody/none", token);
        var defaultModel = await provider.GetModelCapabilitiesAsync(null, token);

        Assert.Equal(new ModelCapabilities { ModelId = "openai/gpt-4o-mini", SupportsImages = true, SupportsFiles = true, SupportsJsonObject = true, SupportsJsonSchema = true, SupportsTools = true, ContextLength = 128000 }, mini);
        Assert.Equal("openai/gpt-4o-mini:free", free!.ModelId);
        Assert.True(free.SupportsImages);
        Assert.Equal(new ModelCapabilities { ModelId = "acme/plain", ContextLength = 4096 }, plain);
        Assert.Null(unknown);
        Assert.Equal("openai/gpt-4o-mini", defaultModel!.ModelId);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task CapabilityProvider_CatalogueUnreachable_ReturnsUnknownAndRetriesLater()
    {
        var (client, handler) = CreateClient();
        handler.Enqueue(System.Net.HttpStatusCode.InternalServerError, "{}").EnqueueJson(Catalogue);
        var provider = client.GetService<IModelCapabilityProvider>()!;

        var first = await provider.GetModelCapabilitiesAsync("acme/plain", TestContext.Current.CancellationToken);
        var second = await provider.GetModelCapabilitiesAsync("acme/plain", TestContext.Current.CancellationToken);

        Assert.Null(first);
        Assert.NotNull(second);
        Assert.Equal(2, handler.Requests.Count);
    }
}
