using System.Text;
using LlmConnectors.Tests.Routing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LlmConnectors.Tests.DependencyInjection;

public sealed class ChatPipelineServiceCollectionExtensionsTests : IDisposable
{
    private readonly ScriptedChatClient _openRouter = new("openrouter");
    private readonly ScriptedChatClient _cli = new("claude-cli");
    private readonly ScriptedChatClient _proxy = new("claude-proxy");
    private readonly string _root = Directory.CreateTempSubdirectory("llmc-di-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static IConfigurationSection Section(string json) =>
        new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build().GetSection("LlmConnectors:Pipeline");

    private ServiceCollection ServicesWithLeaves()
    {
        var services = new ServiceCollection();
        services.AddKeyedChatClient("openrouter", _openRouter);
        services.AddKeyedChatClient("claude-cli", _ => _cli);
        services.AddKeyedSingleton<IChatClient>("claude-proxy", _proxy);
        return services;
    }

    [Fact]
    public async Task AddChatPipeline_FullConfiguration_BuildsEveryLayerInOrder()
    {
        var services = ServicesWithLeaves();
        services.AddChatPipeline(Section($$"""
            { "LlmConnectors": { "Pipeline": {
                "Client": "openrouter",
                "Multimodal": { "AllowedRoot": {{System.Text.Json.JsonSerializer.Serialize(_root)}}, "MaxImageBytes": 1000, "MaxTotalBytes": 5000 },
                "Routing": { "Routes": [ { "Prefix": "max/", "Client": "claude-cli" }, { "Prefix": "openrouter/", "Client": "openrouter" } ] },
                "Failover": { "Fallbacks": [ { "Client": "claude-proxy", "ModelId": "sonnet" } ], "DelayBetweenAttempts": "00:00:00.010" }
            } } }
            """));
        await using var provider = services.BuildServiceProvider(validateScopes: true);

        var client = provider.GetRequiredService<IChatClient>();

        var multimodal = client.GetService<MultimodalPreprocessingChatClient>()!;
        Assert.Equal(_root, multimodal.AllowedRoot);
        Assert.Equal(1000, multimodal.MaxImageBytes);
        var failover = client.GetService<LlmFailoverChatClient>()!;
        Assert.Equal(TimeSpan.FromMilliseconds(10), failover.DelayBetweenAttempts);
        Assert.Equal("sonnet", Assert.Single(failover.Fallbacks).ModelId);
        Assert.NotNull(client.GetService<ModelRoutingChatClient>());

        await client.GetResponseAsync("hi", new ChatOptions { ModelId = "max/opus" }, Ct);
        await client.GetResponseAsync("hi", new ChatOptions { ModelId = "openai/gpt-4o" }, Ct);
        Assert.Equal("opus", _cli.Calls[0].Options!.ModelId);
        Assert.Equal("openai/gpt-4o", _openRouter.Calls[0].Options!.ModelId);
    }

    [Fact]
    public async Task AddChatPipeline_FailoverToLeaf_WhenRoutedClientFails()
    {
        _cli.Fail(new LlmConnectorException("down", LlmErrorKind.Unavailable, "claude-code"));
        var services = ServicesWithLeaves();
        services.AddChatPipeline(Section("""
            { "LlmConnectors": { "Pipeline": {
                "Routing": { "Routes": [ { "Prefix": "max/", "Client": "claude-cli" } ] },
                "Failover": { "Fallbacks": [ { "Client": "claude-proxy", "ModelId": "sonnet" }, { "ModelId": "max/haiku" } ] }
            } } }
            """));
        await using var provider = services.BuildServiceProvider();

        var response = await provider.GetRequiredService<IChatClient>().GetResponseAsync("hi", new ChatOptions { ModelId = "max/opus" }, Ct);

        Assert.Equal("claude-proxy default", response.Text);
        Assert.Equal("claude-proxy", response.AdditionalProperties![LlmFailoverChatClient.ServedByPropertyName]);
        Assert.Equal("sonnet", _proxy.Calls[0].Options!.ModelId);
    }

    [Fact]
    public async Task AddChatPipeline_ModelOnlyFallback_GoesThroughRouting()
    {
        _openRouter.Fail(new LlmConnectorException("limited", LlmErrorKind.RateLimited, "openrouter"));
        var services = ServicesWithLeaves();
        services.AddChatPipeline(Section("""
            { "LlmConnectors": { "Pipeline": {
                "Client": "openrouter",
                "Routing": { "Routes": [ { "Prefix": "max/", "Client": "claude-cli" } ] },
                "Failover": { "Fallbacks": [ { "ModelId": "max/sonnet" } ] }
            } } }
            """));
        await using var provider = services.BuildServiceProvider();

        var response = await provider.GetRequiredService<IChatClient>().GetResponseAsync("hi", new ChatOptions { ModelId = "some/model" }, Ct);

        Assert.Equal("claude-cli default", response.Text);
        Assert.Equal("sonnet", _cli.Calls[0].Options!.ModelId);
        Assert.Equal("max/sonnet", response.AdditionalProperties![LlmFailoverChatClient.ServedByPropertyName]);
    }

    [Fact]
    public async Task AddChatPipeline_OnlyClient_IsTheLeafBehindAHandle()
    {
        var services = ServicesWithLeaves();
        services.AddChatPipeline(Section("""{ "LlmConnectors": { "Pipeline": { "Client": "OpenRouter" } } }"""));
        await using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<IChatClient>();
        var response = await client.GetResponseAsync("hi", cancellationToken: Ct);

        Assert.Equal("openrouter default", response.Text);
        Assert.Null(client.GetService<MultimodalPreprocessingChatClient>());
        client.Dispose();
        Assert.False(_openRouter.Disposed);
    }

    [Fact]
    public async Task AddChatPipeline_KeyedLeaf_CreatedOnceAndDisposedWithProvider()
    {
        var created = 0;
        var leaf = new ScriptedChatClient("leaf");
        var services = new ServiceCollection();
        services.AddKeyedChatClient("leaf", _ =>
        {
            created++;
            return leaf;
        });
        services.AddChatPipeline(Section("""{ "LlmConnectors": { "Pipeline": { "Client": "leaf" } } }"""));
        services.AddKeyedChatPipeline("second", Section("""{ "LlmConnectors": { "Pipeline": { "Client": "leaf", "Multimodal": { "Enabled": true } } } }"""));
        var provider = services.BuildServiceProvider();

        provider.GetRequiredService<IChatClient>();
        var keyed = provider.GetRequiredKeyedService<IChatClient>("second");
        await provider.DisposeAsync();

        Assert.Equal(1, created);
        Assert.NotNull(keyed.GetService<MultimodalPreprocessingChatClient>());
        Assert.True(leaf.Disposed);
    }

    [Fact]
    public async Task AddChatPipeline_BuilderAdditions_AppliedOutermostAndOptionsOverridable()
    {
        var services = ServicesWithLeaves();
        var resizer = new NoResizer();
        var order = new List<string>();
        services.AddSingleton<IImageResizer>(resizer);
        services.AddChatPipeline(Section("""{ "LlmConnectors": { "Pipeline": { "Client": "openrouter", "Multimodal": { "MaxImageBytes": 10 } } } }"""))
            .Use(inner => new TagClient(inner, "outer", order));
        services.PostConfigure<ChatPipelineOptions>(o => o.Multimodal!.MaxImageBytes = 20);
        await using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<IChatClient>();
        await client.GetResponseAsync("hi", cancellationToken: Ct);

        Assert.IsType<TagClient>(client);
        Assert.Equal(["outer"], order);
        var multimodal = client.GetService<MultimodalPreprocessingChatClient>()!;
        Assert.Equal(20, multimodal.MaxImageBytes);
        Assert.Same(resizer, multimodal.ImageResizer);
    }

    [Fact]
    public void AddChatPipeline_UnknownLeaf_StartupValidationNamesSettingAndKnownLeaves()
    {
        var services = ServicesWithLeaves();
        services.AddChatPipeline(Section("""
            { "LlmConnectors": { "Pipeline": {
                "Client": "gemini",
                "Routing": { "Routes": [ { "Prefix": "max/", "Client": "claude-kli" } ] }
            } } }
            """));
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(ex.Failures, f => f.StartsWith("LlmConnectors:Pipeline:Client is 'gemini', but no leaf client has that name (known: 'claude-cli', 'claude-proxy', 'openrouter')", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("LlmConnectors:Pipeline:Routing:Routes:0:Client is 'claude-kli'", StringComparison.Ordinal));
    }

    [Fact]
    public void AddChatPipeline_InvalidValues_EveryProblemReportedWithItsPath()
    {
        var services = ServicesWithLeaves();
        services.AddChatPipeline(Section("""
            { "LlmConnectors": { "Pipeline": {
                "Multimodal": { "AllowedRoot": "/does/not/exist/llmc", "MaxImageBytes": "lots", "RemoteFetchTimeout": "soon",
                                "UnsupportedImagePolicy": "Route", "AllowRemoteFetch": "maybe" },
                "Routing": { "Routes": [ { "Prefix": "max/", "Client": "claude-cli" }, { "Prefix": "MAX/", "Client": "openrouter" }, { "Client": "openrouter" } ] },
                "Failover": { "Fallbacks": [ { "Name": "nothing" } ], "DelayBetweenAttempts": "00:00:05", "FailoverOn": [ "RateLimited", "InvalidRequest", "Sometimes" ] }
            } } }
            """));
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        var failures = string.Join("\n", ex.Failures);

        Assert.Contains("LlmConnectors:Pipeline:Multimodal:MaxImageBytes is 'lots'; it must be a whole number", failures, StringComparison.Ordinal);
        Assert.Contains("LlmConnectors:Pipeline:Multimodal:RemoteFetchTimeout is 'soon'", failures, StringComparison.Ordinal);
        Assert.Contains("LlmConnectors:Pipeline:Multimodal:AllowRemoteFetch is 'maybe'; it must be true or false", failures, StringComparison.Ordinal);
        Assert.Contains("LlmConnectors:Pipeline:Multimodal:AllowedRoot is '/does/not/exist/llmc', which is not an existing directory", failures, StringComparison.Ordinal);
        Assert.Contains("LlmConnectors:Pipeline:Multimodal:UnsupportedImagePolicy is Route, but neither", failures, StringComparison.Ordinal);
        Assert.Contains("LlmConnectors:Pipeline:Routing:Routes:1:Prefix is 'MAX/', which an earlier route already uses", failures, StringComparison.Ordinal);
        Assert.Contains("LlmConnectors:Pipeline:Routing:Routes:2:Prefix is not set", failures, StringComparison.Ordinal);
        Assert.Contains("LlmConnectors:Pipeline:Failover:Fallbacks:0 has neither Client nor ModelId", failures, StringComparison.Ordinal);
        Assert.Contains("LlmConnectors:Pipeline:Failover:DelayBetweenAttempts is 00:00:05", failures, StringComparison.Ordinal);
        Assert.Contains("LlmConnectors:Pipeline:Failover:FailoverOn contains InvalidRequest", failures, StringComparison.Ordinal);
        Assert.Contains("LlmConnectors:Pipeline:Failover:FailoverOn:2 is 'Sometimes'; it must be one of", failures, StringComparison.Ordinal);
    }

    [Fact]
    public void AddChatPipeline_NoClientNoRouting_TellsWhatToSet()
    {
        var services = ServicesWithLeaves();
        services.AddChatPipeline(Section("""{ "LlmConnectors": { "Pipeline": { "Multimodal": { "Enabled": true } } } }"""));
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IChatClient>());

        Assert.Contains("LlmConnectors:Pipeline:Client is not set", Assert.Single(ex.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddChatPipeline_DisabledSections_LeftOut()
    {
        var services = ServicesWithLeaves();
        services.AddChatPipeline(Section("""
            { "LlmConnectors": { "Pipeline": { "Client": "openrouter",
                "Multimodal": { "Enabled": false }, "Failover": { "Enabled": "false" }, "Routing": { "Enabled": false } } } }
            """));
        await using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();

        var client = provider.GetRequiredService<IChatClient>();

        Assert.Null(client.GetService<MultimodalPreprocessingChatClient>());
        Assert.Null(client.GetService<LlmFailoverChatClient>());
        Assert.Null(client.GetService<ModelRoutingChatClient>());
    }

    [Fact]
    public async Task AddChatPipeline_FailoverOnAndListsAsCommaSeparatedValues()
    {
        var services = ServicesWithLeaves();
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["P:Client"] = "openrouter",
            ["P:Failover:Fallbacks:0:Client"] = "claude-cli",
            ["P:Failover:FailoverOn:0"] = "RateLimited",
            ["P:Multimodal:AllowedRemoteHosts"] = "a.example, .b.example",
            ["P:Multimodal:AllowRemoteFetch"] = "true",
            ["P:Multimodal:UnsupportedImagePolicy"] = "replacewithplaceholder",
        }).Build();
        services.AddChatPipeline(config.GetSection("P"));
        await using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<IChatClient>();

        Assert.Equal([LlmErrorKind.RateLimited], client.GetService<LlmFailoverChatClient>()!.FailoverOn);
        var multimodal = client.GetService<MultimodalPreprocessingChatClient>()!;
        Assert.Equal(["a.example", ".b.example"], multimodal.AllowedRemoteHosts);
        Assert.True(multimodal.AllowRemoteFetch);
        Assert.Equal(UnsupportedImagePolicy.ReplaceWithPlaceholder, multimodal.UnsupportedImagePolicy);
    }

    [Fact]
    public void AddChatPipeline_Twice_Throws()
    {
        var services = ServicesWithLeaves();
        services.AddChatPipeline(Section("""{ "LlmConnectors": { "Pipeline": { "Client": "openrouter" } } }"""));

        var ex = Assert.Throws<InvalidOperationException>(() => services.AddChatPipeline(Section("""{ "LlmConnectors": { "Pipeline": { "Client": "openrouter" } } }""")));
        Assert.Contains("AddKeyedChatPipeline", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddKeyedChatPipeline_SeparateOptionsPerKey()
    {
        var services = ServicesWithLeaves();
        services.AddKeyedChatPipeline("fast", Section("""{ "LlmConnectors": { "Pipeline": { "Client": "openrouter" } } }"""));
        services.AddKeyedChatPipeline("local", Section("""{ "LlmConnectors": { "Pipeline": { "Client": "claude-cli" } } }"""));
        await using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();

        var fast = await provider.GetRequiredKeyedService<IChatClient>("fast").GetResponseAsync("hi", cancellationToken: Ct);
        var local = await provider.GetRequiredKeyedService<IChatClient>("local").GetResponseAsync("hi", cancellationToken: Ct);

        Assert.Equal("openrouter default", fast.Text);
        Assert.Equal("claude-cli default", local.Text);
        Assert.Null(provider.GetService<IChatClient>());
    }

    [Fact]
    public async Task AddChatPipeline_RetryWithValidationAndJson_ReaskUntilValidatorsPass()
    {
        _openRouter.Answer("nope").Answer("OK, fine");
        var services = ServicesWithLeaves();
        services.AddChatPipeline(Section("""
            { "LlmConnectors": { "Pipeline": {
                "Client": "openrouter",
                "RetryWithValidation": { "MaxAttempts": 3, "KeepOnlyLastFailedAttempt": true,
                                         "Validators": [ "not-empty", { "Name": "regex", "Pattern": "^OK" } ] },
                "JsonEnforcement": { "AssumeNativeSupportWhenUnknown": true }
            } } }
            """));
        await using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();

        var client = provider.GetRequiredService<IChatClient>();
        var response = await client.GetResponseAsync("say OK", cancellationToken: Ct);

        Assert.Equal("OK, fine", response.Text);
        Assert.Equal(2, _openRouter.Calls.Count);
        var retry = client.GetService<RetryWithValidationChatClient>()!;
        Assert.Equal(2, retry.Validators.Count);
        Assert.True(retry.KeepOnlyLastFailedAttempt);
        Assert.True(client.GetService<JsonEnforcingChatClient>()!.AssumeNativeSupportWhenUnknown);
        Assert.IsType<RetryWithValidationChatClient>(client);
    }

    [Fact]
    public void AddChatPipeline_BadRetrySettings_ReportedAtStartup()
    {
        var services = ServicesWithLeaves();
        services.AddChatPipeline(Section("""
            { "LlmConnectors": { "Pipeline": { "Client": "openrouter",
                "RetryWithValidation": { "MaxAttempts": 0, "Validators": [ "not-empty", "telepathy" ] } } } }
            """));
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        var failures = string.Join("\n", ex.Failures);

        Assert.Contains("LlmConnectors:Pipeline:RetryWithValidation:MaxAttempts is 0; it must be at least 1", failures, StringComparison.Ordinal);
        Assert.Contains("LlmConnectors:Pipeline:RetryWithValidation:Validators:", failures, StringComparison.Ordinal);
        Assert.Contains("telepathy", failures, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DocumentedAppSettings_ValidatesAndBuilds()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "LlmConnectors.sln")))
        {
            directory = directory.Parent;
        }

        Assert.True(directory is not null, "The repository root (the folder holding LlmConnectors.sln) was not found above the test binaries.");
        var markdown = await File.ReadAllTextAsync(Path.Combine(directory.FullName, "README.md"), Ct);
        var section = markdown.IndexOf("## Multimodal preprocessing, model routing, failover, and pipelines from configuration", StringComparison.Ordinal);
        Assert.True(section >= 0, "README.md lost its section on pipelines from configuration.");
        var start = markdown.IndexOf("```json", section, StringComparison.Ordinal) + "```json".Length;
        var json = markdown[start..markdown.IndexOf("```", start, StringComparison.Ordinal)]
            .Replace("/srv/app/uploads", _root.Replace("\\", "\\\\", StringComparison.Ordinal), StringComparison.Ordinal);
        var services = ServicesWithLeaves();
        services.AddChatPipeline(Section(json));
        await using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<IStartupValidator>().Validate();
        var client = provider.GetRequiredService<IChatClient>();

        Assert.IsType<RetryWithValidationChatClient>(client);
        Assert.Equal(3, client.GetService<RetryWithValidationChatClient>()!.Validators.Count);
        Assert.NotNull(client.GetService<JsonEnforcingChatClient>());
        Assert.Equal(UnsupportedImagePolicy.Route, client.GetService<MultimodalPreprocessingChatClient>()!.UnsupportedImagePolicy);
        Assert.Equal(2, client.GetService<LlmFailoverChatClient>()!.Fallbacks.Count);
        Assert.Equal(3, client.GetService<ModelRoutingChatClient>()!.Routes.Count);
    }

    [Fact]
    public async Task AddChatPipeline_MultimodalRoutePolicy_SendsImagesToNamedLeaf()
    {
        _openRouter.Capabilities = id => new ModelCapabilities { ModelId = id ?? "x", SupportsImages = false };
        var services = ServicesWithLeaves();
        services.AddChatPipeline(Section("""
            { "LlmConnectors": { "Pipeline": { "Client": "openrouter",
                "Multimodal": { "UnsupportedImagePolicy": "Route", "FallbackClient": "claude-proxy" } } } }
            """));
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<IChatClient>();
        var image = new ChatMessage(ChatRole.User, [new TextContent("what is it?"), new DataContent(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0 }, "image/jpeg")]);

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync([image], new ChatOptions { ModelId = "text-only" }, Ct))
        {
            updates.Add(update);
        }

        Assert.Equal("claude-proxy default", string.Concat(updates.Select(u => u.Text)));
        Assert.Empty(_openRouter.Calls);
        Assert.Equal(["text-only"], _openRouter.CapabilityQueries);
    }

    [Fact]
    public void Arguments_Checked()
    {
        var services = new ServiceCollection();
        var section = Section("""{ "LlmConnectors": { "Pipeline": { "Client": "x" } } }""");
        Assert.Throws<ArgumentNullException>("services", () => ChatPipelineServiceCollectionExtensions.AddChatPipeline(null!, section));
        Assert.Throws<ArgumentNullException>("configuration", () => services.AddChatPipeline(null!));
        Assert.Throws<ArgumentNullException>("serviceKey", () => services.AddKeyedChatPipeline(null!, section));
    }

    [Fact]
    public void AddChatClient_AfterAddChatPipeline_FailsAtStartupSayingWhatToDo()
    {
        var services = ServicesWithLeaves();
        services.AddChatPipeline(Section("""{ "LlmConnectors": { "Pipeline": { "Client": "openrouter" } } }"""));
        services.AddChatClient(_proxy);
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        var failure = Assert.Single(ex.Failures);
        Assert.StartsWith("AddChatPipeline (section 'LlmConnectors:Pipeline') registered the IChatClient service, but a later registration replaces it", failure, StringComparison.Ordinal);
        Assert.Contains("AddKeyedChatClient", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void KeyedLeafRegisteredTwice_FailsAtStartup()
    {
        var services = new ServiceCollection();
        services.AddOpenRouterChatClient(o => o.ApiKey = "sk-test");
        services.AddKeyedChatClient(OpenRouterServiceCollectionExtensions.ServiceKey, _proxy);
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(ex.Failures, f => f.StartsWith("AddOpenRouterChatClient registered the keyed IChatClient 'openrouter', but a later registration replaces it", StringComparison.Ordinal));
    }

    [Fact]
    public async Task LeafThenPipeline_LeafConvenienceRegistrationReplacedWithoutError()
    {
        var services = new ServiceCollection();
        services.AddOpenRouterChatClient(o => o.ApiKey = "sk-test");
        services.AddKeyedChatClient("scripted", _cli);
        services.AddChatPipeline(Section("""{ "LlmConnectors": { "Pipeline": { "Client": "scripted" } } }"""));
        await using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<IStartupValidator>().Validate();
        var response = await provider.GetRequiredService<IChatClient>().GetResponseAsync("hi", cancellationToken: Ct);

        Assert.Equal("claude-cli default", response.Text);
    }

    [Fact]
    public async Task AddChatPipeline_MeaiMiddlewaresSwitchedOnFromConfiguration()
    {
        var services = ServicesWithLeaves();
        services.AddLogging();
        services.AddDistributedMemoryCache();
        services.AddChatPipeline(Section("""
            { "LlmConnectors": { "Pipeline": {
                "Client": "openrouter",
                "FunctionInvocation": { "MaximumIterationsPerRequest": 3, "IncludeDetailedErrors": true },
                "OpenTelemetry": { "SourceName": "pipeline-test", "EnableSensitiveData": true },
                "Logging": { "Enabled": true },
                "DistributedCache": { "Enabled": true },
                "JsonEnforcement": { "Enabled": true }
            } } }
            """)).UseFunctionInvocation();
        await using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<IStartupValidator>().Validate();
        var client = provider.GetRequiredService<IChatClient>();

        var invoking = client.GetService<FunctionInvokingChatClient>()!;
        Assert.NotNull(invoking);
        Assert.NotNull(client.GetService<LoggingChatClient>());
        Assert.NotNull(client.GetService<DistributedCachingChatClient>());
        Assert.True(client.GetService<OpenTelemetryChatClient>()!.EnableSensitiveData);
        Assert.NotNull(client.GetService<JsonEnforcingChatClient>());
        await client.GetResponseAsync("hi", cancellationToken: Ct);
        await client.GetResponseAsync("hi", cancellationToken: Ct);
        Assert.Single(_openRouter.Calls); // the second answer came from the distributed cache
    }

    [Fact]
    public void AddChatPipeline_DistributedCacheWithoutCache_StartupTellsWhatToRegister()
    {
        var services = ServicesWithLeaves();
        services.AddChatPipeline(Section("""{ "LlmConnectors": { "Pipeline": { "Client": "openrouter", "DistributedCache": { "Enabled": true } } } }"""));
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(ex.Failures, f => f.Contains("no IDistributedCache service is registered", StringComparison.Ordinal) && f.Contains("AddDistributedMemoryCache", StringComparison.Ordinal));
    }

    [Fact]
    public void AddChatPipeline_MeaiSectionWithBadValue_StartupNamesTheSection()
    {
        var services = ServicesWithLeaves();
        services.AddChatPipeline(Section("""{ "LlmConnectors": { "Pipeline": { "Client": "openrouter", "FunctionInvocation": { "MaximumIterationsPerRequest": "many" } } } }"""));
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(ex.Failures, f => f.StartsWith("LlmConnectors:Pipeline:FunctionInvocation:", StringComparison.Ordinal) && f.Contains("many", StringComparison.Ordinal));
    }

    private sealed class NoResizer : IImageResizer
    {
        public ValueTask<DataContent> ResizeAsync(DataContent image, int maxDimension, CancellationToken cancellationToken) => ValueTask.FromResult(image);
    }

    private sealed class TagClient(IChatClient inner, string tag, List<string> order) : DelegatingChatClient(inner)
    {
        public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            order.Add(tag);
            return base.GetResponseAsync(messages, options, cancellationToken);
        }
    }
}
