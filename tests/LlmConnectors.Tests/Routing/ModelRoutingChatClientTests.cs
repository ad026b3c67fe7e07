using Microsoft.Extensions.AI;

namespace LlmConnectors.Tests.Routing;

public class ModelRoutingChatClientTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly ScriptedChatClient _cli = new("claude-cli");
    private readonly ScriptedChatClient _openRouter = new("openrouter");
    private readonly ScriptedChatClient _fallback = new("default");

    private ModelRoutingChatClient Create(IChatClient? defaultClient = null) =>
        new ModelRoutingChatClient(defaultClient).AddRoute("max/", _cli).AddRoute("openrouter/", _openRouter);

    [Theory]
    [InlineData("max/sonnet", "claude-cli", "sonnet")]
    [InlineData("MAX/opus", "claude-cli", "opus")]
    [InlineData("openrouter/openai/gpt-4o", "openrouter", "openai/gpt-4o")]
    [InlineData("max/", "claude-cli", null)]
    public async Task GetResponseAsync_PrefixRoutesAndStrips(string modelId, string expectedClient, string? expectedModel)
    {
        using var router = Create();

        var response = await router.GetResponseAsync("hi", new ChatOptions { ModelId = modelId }, Ct);

        Assert.Equal($"{expectedClient} default", response.Text);
        var target = expectedClient == "claude-cli" ? _cli : _openRouter;
        Assert.Equal(expectedModel, target.Calls[0].Options!.ModelId);
    }

    [Theory]
    [InlineData("max/sonnet", "max/", "sonnet")]
    [InlineData("openrouter/openai/gpt-4o", "openrouter/", "openai/gpt-4o")]
    [InlineData("max/", "max/", null)]
    [InlineData("sonnet", null, "sonnet")]
    [InlineData(null, null, null)]
    public void FindRoute_TellsWhereAndWhichModelWithoutSending(string? modelId, string? expectedPrefix, string? expectedModel)
    {
        using var router = Create(_fallback);

        var route = router.FindRoute(modelId, out var routed);

        Assert.Equal(expectedPrefix, route?.Prefix);
        Assert.Equal(expectedModel, routed);
        Assert.Empty(_cli.Calls);
        Assert.Empty(_fallback.Calls);
    }

    [Fact]
    public async Task GetResponseAsync_DoesNotChangeCallerOptions()
    {
        using var router = Create();
        var options = new ChatOptions { ModelId = "max/sonnet" };

        await router.GetResponseAsync("hi", options, Ct);

        Assert.Equal("max/sonnet", options.ModelId);
        Assert.NotSame(options, _cli.Calls[0].Options);
    }

    [Fact]
    public async Task GetResponseAsync_StripPrefixFalse_KeepsModelId()
    {
        using var router = new ModelRoutingChatClient();
        router.Routes.Add(new ModelRoute("anthropic/", _openRouter) { StripPrefix = false });

        await router.GetResponseAsync("hi", new ChatOptions { ModelId = "anthropic/claude-sonnet-4.5" }, Ct);

        Assert.Equal("anthropic/claude-sonnet-4.5", _openRouter.Calls[0].Options!.ModelId);
    }

    [Fact]
    public async Task GetResponseAsync_LongestPrefixWins()
    {
        using var router = Create().AddRoute("max/special/", _fallback);

        await router.GetResponseAsync("hi", new ChatOptions { ModelId = "max/special/x" }, Ct);

        Assert.Empty(_cli.Calls);
        Assert.Equal("x", _fallback.Calls[0].Options!.ModelId);
    }

    [Fact]
    public async Task GetResponseAsync_UnknownPrefixWithDefault_GoesToDefaultUnchanged()
    {
        using var router = Create(_fallback);

        await router.GetResponseAsync("hi", new ChatOptions { ModelId = "gpt-4o" }, Ct);

        Assert.Equal("gpt-4o", _fallback.Calls[0].Options!.ModelId);
    }

    [Fact]
    public async Task GetResponseAsync_UnknownPrefixWithoutDefault_ErrorListsKnownPrefixes()
    {
        using var router = Create();

        var ex = await Assert.ThrowsAsync<LlmConnectorException>(() => router.GetResponseAsync("hi", new ChatOptions { ModelId = "gemini/pro" }, Ct));

        Assert.Equal(LlmErrorKind.InvalidRequest, ex.Kind);
        Assert.Contains("'gemini/pro'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'max/', 'openrouter/'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("DefaultClient", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_NoModelIdWithoutDefault_Error()
    {
        using var router = Create();

        var ex = await Assert.ThrowsAsync<LlmConnectorException>(() => router.GetResponseAsync("hi", cancellationToken: Ct));

        Assert.Contains("names no model id", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_Routes()
    {
        using var router = Create();
        _openRouter.Stream("a", "b");

        var text = string.Concat(await ToListAsync(router.GetStreamingResponseAsync("hi", new ChatOptions { ModelId = "openrouter/x/y" }, Ct)));

        Assert.Equal("ab", text);
        Assert.Equal("x/y", _openRouter.Calls[0].Options!.ModelId);
    }

    [Fact]
    public async Task GetService_CapabilityProviderAsksTheRouteOfTheModel()
    {
        _cli.Capabilities = id => new ModelCapabilities { ModelId = id ?? "cli-default", SupportsImages = false };
        _openRouter.Capabilities = id => new ModelCapabilities { ModelId = id!, SupportsImages = true };
        using var router = Create();

        var provider = Assert.IsAssignableFrom<IModelCapabilityProvider>(router.GetService(typeof(IModelCapabilityProvider)));
        var cli = await provider.GetModelCapabilitiesAsync("max/sonnet", Ct);
        var or = await provider.GetModelCapabilitiesAsync("openrouter/openai/gpt-4o", Ct);
        var unknown = await provider.GetModelCapabilitiesAsync("nobody/x", Ct);

        Assert.False(cli!.SupportsImages);
        Assert.Equal(["sonnet"], _cli.CapabilityQueries);
        Assert.True(or!.SupportsImages);
        Assert.Equal(["openai/gpt-4o"], _openRouter.CapabilityQueries);
        Assert.Null(unknown);
    }

    [Fact]
    public async Task MultimodalOverRouting_UsesCapabilitiesOfTheRoutedModel()
    {
        _cli.Capabilities = _ => new ModelCapabilities { ModelId = "sonnet", SupportsImages = false };
        _openRouter.Capabilities = _ => new ModelCapabilities { ModelId = "x", SupportsImages = true };
        using var pipeline = _fallback.AsBuilder()
            .UseMultimodalPreprocessing()
            .UseModelRouting(r => r.AddRoute("max/", _cli).AddRoute("openrouter/", _openRouter))
            .Build();
        var image = new ChatMessage(ChatRole.User, [new DataContent(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0 }, "image/jpeg")]);

        await pipeline.GetResponseAsync([image], new ChatOptions { ModelId = "openrouter/x" }, Ct);
        var ex = await Assert.ThrowsAsync<MultimodalPreprocessingException>(() => pipeline.GetResponseAsync([image], new ChatOptions { ModelId = "max/sonnet" }, Ct));

        Assert.Single(_openRouter.Calls);
        Assert.Contains("max/sonnet", ex.Message, StringComparison.Ordinal);
        Assert.Empty(_cli.Calls);
    }

    [Fact]
    public void GetService_SelfAndDefaultClientServices()
    {
        using var router = Create(_fallback);

        Assert.Same(router, router.GetService(typeof(ModelRoutingChatClient)));
        Assert.Equal(ModelRoutingChatClient.ProviderName, router.GetService<ChatClientMetadata>()!.ProviderName);
        Assert.Same(_fallback, router.GetService<ScriptedChatClient>());
    }

    [Fact]
    public async Task UseModelRouting_InnerClientIsDefault()
    {
        using var pipeline = _fallback.AsBuilder().UseModelRouting(r => r.AddRoute("max/", _cli)).Build();

        await pipeline.GetResponseAsync("hi", new ChatOptions { ModelId = "other" }, Ct);
        await pipeline.GetResponseAsync("hi", new ChatOptions { ModelId = "max/opus" }, Ct);

        Assert.Single(_fallback.Calls);
        Assert.Single(_cli.Calls);
        Assert.Throws<ArgumentNullException>("builder", () => ModelRoutingChatClientBuilderExtensions.UseModelRouting(null!));
    }

    [Fact]
    public void ModelRoute_ChecksArguments()
    {
        Assert.Throws<ArgumentNullException>("prefix", () => new ModelRoute(null!, _cli));
        Assert.Throws<ArgumentException>("prefix", () => new ModelRoute(" ", _cli));
        Assert.Throws<ArgumentNullException>("client", () => new ModelRoute("x/", null!));
    }

    [Fact]
    public void Dispose_DoesNotDisposeRoutedClients()
    {
        var router = Create(_fallback);

        router.Dispose();

        Assert.False(_cli.Disposed);
        Assert.False(_fallback.Disposed);
    }

    private static async Task<List<string>> ToListAsync(IAsyncEnumerable<ChatResponseUpdate> updates)
    {
        var list = new List<string>();
        await foreach (var update in updates)
        {
            list.Add(update.Text);
        }

        return list;
    }
}
