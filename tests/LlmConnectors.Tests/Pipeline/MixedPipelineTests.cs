using System.Diagnostics;
using LlmConnectors.Tests.Routing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LlmConnectors.Tests.Pipeline;

/// <summary>The pack's middlewares and MEAI's own compose on MEAI's ChatClientBuilder, in any order.</summary>
public class MixedPipelineTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<bool> Orders() => new(true, false);

    [Theory]
    [MemberData(nameof(Orders))]
    public async Task ChatClientBuilder_PackAndMeaiMiddlewaresInEitherOrder_ToolRoundTripServedThroughFailover(bool meaiOutside)
    {
        // The primary is down for the whole test: every model call of the tool round trip is served by the backup.
        var primary = new ScriptedChatClient("primary");
        for (var i = 0; i < 4; i++)
        {
            primary.Fail(new LlmConnectorException("down", LlmErrorKind.Unavailable, "primary"));
        }

        var backup = new ScriptedChatClient("backup");
        backup.Answer(new FunctionCallContent("c1", "add", new Dictionary<string, object?> { ["a"] = 2, ["b"] = 3 }));
        backup.Answer("{\"sum\":5}");
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<IDistributedCache>(new MemoryDistributedCache(Options.Create(new MemoryDistributedCacheOptions())))
            .BuildServiceProvider();
        using var activities = new ActivityCollector("mixed-pipeline-test");

        var builder = primary.AsBuilder();
        if (meaiOutside)
        {
            builder.UseFunctionInvocation().UseOpenTelemetry(sourceName: "mixed-pipeline-test").UseLogging().UseDistributedCache();
        }

        builder.UseRetryWithValidation([ChatResponseValidators.NotEmpty()]).UseJsonEnforcement();
        if (!meaiOutside)
        {
            builder.UseDistributedCache().UseLogging().UseOpenTelemetry(sourceName: "mixed-pipeline-test").UseFunctionInvocation();
        }

        builder.UseFailover(configure: f => f.AddFallback(backup, name: "backup"));
        using var client = builder.Build(services);

        var add = AIFunctionFactory.Create((int a, int b) => a + b, "add");
        var response = await client.GetResponseAsync(
            "add 2 and 3, answer as JSON",
            new ChatOptions { Tools = [add], ResponseFormat = ChatResponseFormat.Json },
            Ct);

        Assert.Equal("{\"sum\":5}", response.Text);
        Assert.Contains(response.Messages.SelectMany(m => m.Contents), c => c is FunctionResultContent { Result: not null } r && r.Result.ToString() == "5");
        Assert.NotNull(client.GetService<FunctionInvokingChatClient>());
        Assert.NotNull(client.GetService<OpenTelemetryChatClient>());
        Assert.NotNull(client.GetService<LoggingChatClient>());
        Assert.NotNull(client.GetService<DistributedCachingChatClient>());
        Assert.NotNull(client.GetService<RetryWithValidationChatClient>());
        Assert.NotNull(client.GetService<JsonEnforcingChatClient>());
        Assert.NotNull(client.GetService<LlmFailoverChatClient>());
        Assert.Equal(2, backup.Calls.Count);
        Assert.Equal("backup", response.AdditionalProperties![LlmFailoverChatClient.ServedByPropertyName]);
        Assert.Contains(activities.Stopped, a => a.DisplayName.StartsWith("chat", StringComparison.Ordinal));
    }

    [Fact]
    public void UseXxx_NullBuilder_Throws()
    {
        Assert.Throws<ArgumentNullException>("builder", () => JsonEnforcingChatClientBuilderExtensions.UseJsonEnforcement(null!));
        Assert.Throws<ArgumentNullException>("builder", () => RetryWithValidationChatClientBuilderExtensions.UseRetryWithValidation(null!));
        Assert.Throws<ArgumentNullException>("builder", () => LlmFailoverChatClientBuilderExtensions.UseFailover(null!));
    }

    [Fact]
    public void UseJsonEnforcement_LoggerFactoryFromServices_AndConfigureRunsAfterConstruction()
    {
        var services = new ServiceCollection().AddLogging().BuildServiceProvider();
        JsonEnforcingChatClient? configured = null;

        using var client = new ScriptedChatClient().AsBuilder()
            .UseJsonEnforcement(configure: c =>
            {
                c.AlwaysEnforce = true;
                configured = c;
            })
            .Build(services);

        Assert.Same(configured, client.GetService<JsonEnforcingChatClient>());
        Assert.True(configured!.AlwaysEnforce);
        Assert.NotNull(services.GetService<ILoggerFactory>());
    }

    private sealed class ActivityCollector : IDisposable
    {
        private readonly ActivityListener _listener;

        public ActivityCollector(string sourceName)
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = s => s.Name == sourceName,
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = a =>
                {
                    lock (Stopped)
                    {
                        Stopped.Add(a);
                    }
                },
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public List<Activity> Stopped { get; } = [];

        public void Dispose() => _listener.Dispose();
    }
}
