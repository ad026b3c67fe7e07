using LlmConnectors;
using LlmConnectors.DependencyInjection;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers whole chat pipelines bound to configuration, and the named leaf clients they end in.</summary>
public static class ChatPipelineServiceCollectionExtensions
{
    /// <summary>
    /// Registers the <see cref="IChatClient"/> service as the pipeline described by <paramref name="configuration"/>
    /// (for example <c>configuration.GetSection("LlmConnectors:Pipeline")</c>; the shape is <see cref="ChatPipelineOptions"/>).
    /// The options are validated at start-up (<c>ValidateOnStart</c>) with messages naming each wrong setting.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The pipeline's configuration section.</param>
    /// <returns>The registration, to add middlewares and code-only settings.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configuration"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The unkeyed pipeline is already registered.</exception>
    public static ChatPipelineRegistration AddChatPipeline(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        return AddCore(services, serviceKey: null, configuration);
    }

    /// <summary>
    /// Registers a keyed <see cref="IChatClient"/> service (resolve it with <c>[FromKeyedServices(key)]</c> or
    /// <c>GetRequiredKeyedService&lt;IChatClient&gt;(key)</c>) as the pipeline described by <paramref name="configuration"/>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="serviceKey">The service key.</param>
    /// <param name="configuration">The pipeline's configuration section.</param>
    /// <returns>The registration, to add middlewares and code-only settings.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">A pipeline with this key is already registered.</exception>
    public static ChatPipelineRegistration AddKeyedChatPipeline(this IServiceCollection services, object serviceKey, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(serviceKey);
        ArgumentNullException.ThrowIfNull(configuration);
        return AddCore(services, serviceKey, configuration);
    }

    /// <summary>
    /// Registers a named leaf client that pipelines built from configuration can end in (<c>"Client": "name"</c>). The connectors'
    /// <c>AddXxxChatClient</c> methods call this with <c>openrouter</c>, <c>claude-cli</c> and <c>claude-proxy</c>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="name">The name, compared without regard to case; a later registration of the same name wins.</param>
    /// <param name="factory">Creates the client, once per service provider.</param>
    /// <returns>The services.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or white space.</exception>
    public static IServiceCollection AddChatClientLeaf(this IServiceCollection services, string name, Func<IServiceProvider, IChatClient> factory)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(factory);
        services.AddSingleton<IChatClientLeafFactory>(new DelegateLeafFactory(name, factory));
        return services;
    }

    private static ChatPipelineRegistration AddCore(IServiceCollection services, object? serviceKey, IConfiguration configuration)
    {
        var optionsName = serviceKey is null ? Options.Options.DefaultName : $"LlmConnectors.ChatPipeline[{serviceKey}]";
        foreach (var descriptor in services)
        {
            if (descriptor.ServiceType == typeof(ChatPipelineSectionPath) && descriptor.ImplementationInstance is ChatPipelineSectionPath existing
                && existing.OptionsName == optionsName)
            {
                throw new InvalidOperationException(serviceKey is null
                    ? $"AddChatPipeline was already called (with the section '{existing.Path}'); use AddKeyedChatPipeline to register more pipelines."
                    : $"AddKeyedChatPipeline was already called with the key '{serviceKey}' (with the section '{existing.Path}'); each key may be registered once.");
            }
        }

        var sectionPath = configuration is IConfigurationSection section ? section.Path : string.Empty;
        services.AddSingleton(new ChatPipelineSectionPath(optionsName, sectionPath));
        services.AddOptions();
        services.TryAddSingleton<ChatClientLeafResolver>();
        services.TryAddSingleton<ChatResponseValidatorRegistry>();
        services.AddOptions<ChatPipelineOptions>(optionsName)
            .Configure(options => ChatPipelineOptionsBinder.Bind(configuration, options))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ChatPipelineOptions>>(
            sp => new ChatPipelineOptionsValidator(
                optionsName, sectionPath, sp.GetRequiredService<ChatClientLeafResolver>(), sp.GetRequiredService<ChatResponseValidatorRegistry>(), sp));

        var registration = new ChatPipelineRegistration(services, serviceKey, optionsName);
        if (serviceKey is null)
        {
            services.AddSingleton(registration.Build);
        }
        else
        {
            services.AddKeyedSingleton(serviceKey, (sp, _) => registration.Build(sp));
        }

        return registration;
    }

    private sealed class DelegateLeafFactory(string name, Func<IServiceProvider, IChatClient> factory) : IChatClientLeafFactory
    {
        public string Name => name;

        public IChatClient CreateClient(IServiceProvider services) => factory(services);
    }
}
