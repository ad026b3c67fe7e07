using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LlmConnectors.DependencyInjection;

/// <summary>
/// Builds a pipeline registered by <c>AddChatPipeline</c> or <c>AddKeyedChatPipeline</c> from its validated
/// <see cref="ChatPipelineOptions"/>, on Microsoft.Extensions.AI's <see cref="ChatClientBuilder"/>. Middlewares run in this order,
/// outermost first: MEAI's function invocation, OpenTelemetry, logging and distributed cache (each when its section says
/// <c>Enabled</c>), then the pack's retry with validation, JSON enforcement, multimodal preprocessing, failover and routing, then the leaves.
/// </summary>
internal sealed class ChatPipelineFactory(string optionsName, string sectionPath, IConfiguration configuration)
{
    /// <summary>The sections of MEAI's own middlewares that configuration can switch on, outermost first.</summary>
    internal static readonly string[] MeaiSections = ["FunctionInvocation", "OpenTelemetry", "Logging", "DistributedCache"];

    /// <summary>Tells whether a MEAI middleware section is present and not disabled.</summary>
    internal static bool IsEnabled(IConfiguration configuration, string name)
    {
        var section = configuration.GetSection(name);
        return section.Exists() && !string.Equals(section["Enabled"]?.Trim(), "false", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Builds the pipeline from its validated options.</summary>
    public IChatClient Build(IServiceProvider services)
    {
        services.GetRequiredService<ChatClientRegistrationGuard>().ThrowIfInvalid();
        var options = services.GetRequiredService<IOptionsMonitor<ChatPipelineOptions>>().Get(optionsName);
        var leaves = services.GetRequiredService<ChatClientLeafResolver>();
        var loggerFactory = services.GetService<ILoggerFactory>();
        var prefix = sectionPath.Length == 0 ? string.Empty : sectionPath + ":";

        IChatClient terminal;
        string? terminalName = null;
        if (options.Routing is { Enabled: true } routing)
        {
            var defaultName = routing.DefaultClient ?? options.Client;
            var router = new ModelRoutingChatClient(
                defaultName is null ? null : leaves.Get(defaultName, prefix + (routing.DefaultClient is null ? "Client" : "Routing:DefaultClient")));
            for (var i = 0; i < routing.Routes.Count; i++)
            {
                var route = routing.Routes[i];
                router.Routes.Add(new ModelRoute(route.Prefix!, leaves.Get(route.Client!, $"{prefix}Routing:Routes:{i}:Client"))
                {
                    StripPrefix = route.StripPrefix,
                    Name = route.Client,
                });
            }

            terminal = router;
        }
        else
        {
            terminalName = options.Client!;
            terminal = leaves.Get(terminalName, prefix + "Client");
        }

        if (options.Failover is { Enabled: true } failoverOptions)
        {
            var failover = new LlmFailoverChatClient(terminal, loggerFactory?.CreateLogger<LlmFailoverChatClient>())
            {
                InnerClientName = terminalName ?? "primary",
                DelayBetweenAttempts = failoverOptions.DelayBetweenAttempts,
                AttemptTimeout = failoverOptions.AttemptTimeout,
                RetryBeforeHandover = failoverOptions.RetryBeforeHandover,
            };
            if (failoverOptions.FailoverOn is { } kinds)
            {
                failover.FailoverOn.Clear();
                failover.FailoverOn.UnionWith(kinds);
            }

            for (var i = 0; i < failoverOptions.Fallbacks.Count; i++)
            {
                var entry = failoverOptions.Fallbacks[i];
                var client = entry.Client is null ? terminal : leaves.Get(entry.Client, $"{prefix}Failover:Fallbacks:{i}:Client");
                failover.Fallbacks.Add(new FailoverTarget(client, entry.ModelId, entry.Name ?? entry.Client ?? entry.ModelId));
            }

            terminal = failover;
        }

        var builder = new ChatClientBuilder(terminal);
        AddMeaiMiddlewares(builder);

        if (options.RetryWithValidation is { Enabled: true } retry)
        {
            builder.Use((innerClient, sp) =>
            {
                var created = retry.Validators is null ? null : sp.GetRequiredService<ChatResponseValidatorRegistry>().CreateAll(retry.Validators, sp);
                var client = new RetryWithValidationChatClient(innerClient, created, loggerFactory?.CreateLogger<RetryWithValidationChatClient>())
                {
                    MaxAttempts = retry.MaxAttempts,
                    KeepOnlyLastFailedAttempt = retry.KeepOnlyLastFailedAttempt,
                    StopAtFirstFailure = retry.StopAtFirstFailure,
                    RetryOnJsonEnforcementFailure = retry.RetryOnJsonEnforcementFailure,
                    StreamFirstAttempt = retry.StreamFirstAttempt,
                };
                return client;
            });
        }

        if (options.JsonEnforcement is { Enabled: true } json)
        {
            builder.Use((innerClient, sp) => (
                new JsonEnforcingChatClient(innerClient, loggerFactory?.CreateLogger<JsonEnforcingChatClient>())
                {
                    AlwaysEnforce = json.AlwaysEnforce,
                    AssumeNativeSupportWhenUnknown = json.AssumeNativeSupportWhenUnknown,
                    ValidateSchema = json.ValidateSchema,
                }));
        }

        if (options.Multimodal is { Enabled: true } multimodal)
        {
            builder.Use((innerClient, sp) =>
            {
                var client = new MultimodalPreprocessingChatClient(innerClient, loggerFactory?.CreateLogger<MultimodalPreprocessingChatClient>())
                {
                    AllowedRoot = multimodal.AllowedRoot,
                    AllowRemoteFetch = multimodal.AllowRemoteFetch,
                    AllowPrivateNetworkFetch = multimodal.AllowPrivateNetworkFetch,
                    RemoteFetchTimeout = multimodal.RemoteFetchTimeout,
                    MaxImageBytes = multimodal.MaxImageBytes,
                    MaxTotalBytes = multimodal.MaxTotalBytes,
                    MaxImageDimension = multimodal.MaxImageDimension,
                    ImageResizer = sp.GetService<IImageResizer>(),
                    UnsupportedImagePolicy = multimodal.UnsupportedImagePolicy,
                    PlaceholderText = multimodal.PlaceholderText ?? MultimodalPreprocessingChatClient.DefaultPlaceholderText,
                    FallbackModelId = multimodal.FallbackModelId,
                    FallbackClient = multimodal.FallbackClient is null ? null : leaves.Get(multimodal.FallbackClient, prefix + "Multimodal:FallbackClient"),
                };
                foreach (var host in multimodal.AllowedRemoteHosts)
                {
                    client.AllowedRemoteHosts.Add(host);
                }

                return client;
            });
        }

        return builder.Build(services);
    }

    private void AddMeaiMiddlewares(ChatClientBuilder builder)
    {
        if (IsEnabled(configuration, "FunctionInvocation"))
        {
            var settings = MeaiMiddlewareSettings.FunctionInvocation(configuration);
            builder.UseFunctionInvocation(configure: settings.ApplyTo);
        }

        if (IsEnabled(configuration, "OpenTelemetry"))
        {
            var settings = MeaiMiddlewareSettings.OpenTelemetry(configuration);
            builder.UseOpenTelemetry(sourceName: settings.SourceName, configure: settings.ApplyTo);
        }

        if (IsEnabled(configuration, "Logging"))
        {
            builder.UseLogging();
        }

        if (IsEnabled(configuration, "DistributedCache"))
        {
            builder.UseDistributedCache();
        }
    }
}
