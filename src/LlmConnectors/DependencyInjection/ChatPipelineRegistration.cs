using LlmConnectors.DependencyInjection;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LlmConnectors;

/// <summary>
/// A pipeline registered by <c>AddChatPipeline</c> or <c>AddKeyedChatPipeline</c>, returned so that code can add to what
/// configuration describes: more middlewares (<see cref="Use(Func{IChatClient, IServiceProvider, IChatClient})"/>), option overrides
/// (<see cref="Configure"/>) and settings configuration cannot carry (<see cref="ConfigureClient{TClient}"/>).
/// </summary>
public sealed class ChatPipelineRegistration
{
    private readonly List<Func<IChatClient, IServiceProvider, IChatClient>> _middlewares = [];
    private readonly List<(Type Type, Action<IChatClient, IServiceProvider> Configure)> _clientConfigurations = [];

    internal ChatPipelineRegistration(IServiceCollection services, object? serviceKey, string optionsName)
    {
        Services = services;
        ServiceKey = serviceKey;
        OptionsName = optionsName;
    }

    /// <summary>Gets the service collection the pipeline is registered in.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Gets the key of the <see cref="IChatClient"/> service, or <see langword="null"/> for the unkeyed one.</summary>
    public object? ServiceKey { get; }

    /// <summary>Gets the name of the pipeline's <see cref="ChatPipelineOptions"/> (<c>IOptionsMonitor&lt;ChatPipelineOptions&gt;.Get(name)</c>).</summary>
    public string OptionsName { get; }

    /// <summary>Adds a middleware outside the configured ones; the first one added is the outermost.</summary>
    /// <param name="clientFactory">Wraps the pipeline built so far.</param>
    /// <returns>This registration.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="clientFactory"/> is <see langword="null"/>.</exception>
    public ChatPipelineRegistration Use(Func<IChatClient, IChatClient> clientFactory)
    {
        ArgumentNullException.ThrowIfNull(clientFactory);
        return Use((innerClient, _) => clientFactory(innerClient));
    }

    /// <summary>Adds a middleware that needs services outside the configured ones; the first one added is the outermost.</summary>
    /// <param name="clientFactory">Wraps the pipeline built so far.</param>
    /// <returns>This registration.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="clientFactory"/> is <see langword="null"/>.</exception>
    public ChatPipelineRegistration Use(Func<IChatClient, IServiceProvider, IChatClient> clientFactory)
    {
        ArgumentNullException.ThrowIfNull(clientFactory);
        _middlewares.Add(clientFactory);
        return this;
    }

    /// <summary>Changes the options after they are read from configuration (code wins over configuration).</summary>
    /// <param name="configure">Changes the options.</param>
    /// <returns>This registration.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="configure"/> is <see langword="null"/>.</exception>
    public ChatPipelineRegistration Configure(Action<ChatPipelineOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.AddOptions<ChatPipelineOptions>(OptionsName).PostConfigure(configure);
        return this;
    }

    /// <summary>
    /// Configures each middleware of type <typeparamref name="TClient"/> the pipeline creates, after the configured settings are applied:
    /// for example an <see cref="IImageResizer"/> or an <see cref="HttpClient"/> on <see cref="MultimodalPreprocessingChatClient"/>.
    /// </summary>
    /// <typeparam name="TClient">The middleware type (<see cref="MultimodalPreprocessingChatClient"/>, <see cref="FailoverChatClient"/>, <see cref="ModelRoutingChatClient"/>, ...).</typeparam>
    /// <param name="configure">Changes the middleware.</param>
    /// <returns>This registration.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="configure"/> is <see langword="null"/>.</exception>
    public ChatPipelineRegistration ConfigureClient<TClient>(Action<TClient, IServiceProvider> configure)
        where TClient : IChatClient
    {
        ArgumentNullException.ThrowIfNull(configure);
        _clientConfigurations.Add((typeof(TClient), (client, services) => configure((TClient)client, services)));
        return this;
    }

    /// <summary>Builds the pipeline from its validated options.</summary>
    internal IChatClient Build(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptionsMonitor<ChatPipelineOptions>>().Get(OptionsName);
        var leaves = services.GetRequiredService<ChatClientLeafResolver>();
        var loggerFactory = services.GetService<ILoggerFactory>();
        var prefix = SectionPathOf(services);

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

            terminal = Configured(router, services);
        }
        else
        {
            terminalName = options.Client!;
            terminal = leaves.Get(terminalName, prefix + "Client");
        }

        if (options.Failover is { Enabled: true } failoverOptions)
        {
            var failover = new FailoverChatClient(terminal, loggerFactory?.CreateLogger<FailoverChatClient>())
            {
                InnerClientName = terminalName ?? "primary",
                DelayBetweenAttempts = failoverOptions.DelayBetweenAttempts,
                AttemptTimeout = failoverOptions.AttemptTimeout,
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

            terminal = Configured(failover, services);
        }

        var builder = new ChatPipelineBuilder(terminal);
        foreach (var middleware in _middlewares)
        {
            builder.Use(middleware);
        }

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
                return Configured(client, sp);
            });
        }

        if (options.JsonEnforcement is { Enabled: true } json)
        {
            builder.Use((innerClient, sp) => Configured(
                new JsonEnforcingChatClient(innerClient, loggerFactory?.CreateLogger<JsonEnforcingChatClient>())
                {
                    AlwaysEnforce = json.AlwaysEnforce,
                    AssumeNativeSupportWhenUnknown = json.AssumeNativeSupportWhenUnknown,
                    ValidateSchema = json.ValidateSchema,
                },
                sp));
        }

        if (options.Multimodal is { Enabled: true } multimodal)
        {
            builder.Use((innerClient, sp) =>
            {
                var client = new MultimodalPreprocessingChatClient(innerClient, loggerFactory?.CreateLogger<MultimodalPreprocessingChatClient>())
                {
                    AllowedRoot = multimodal.AllowedRoot,
                    AllowRemoteFetch = multimodal.AllowRemoteFetch,
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

                return Configured(client, sp);
            });
        }

        return builder.Build(services);
    }

    private TClient Configured<TClient>(TClient client, IServiceProvider services)
        where TClient : IChatClient
    {
        foreach (var (type, configure) in _clientConfigurations)
        {
            if (type.IsInstanceOfType(client))
            {
                configure(client, services);
            }
        }

        return client;
    }

    private string SectionPathOf(IServiceProvider services)
    {
        var path = services.GetServices<ChatPipelineSectionPath>().LastOrDefault(p => p.OptionsName == OptionsName)?.Path;
        return string.IsNullOrEmpty(path) ? string.Empty : path + ":";
    }
}
