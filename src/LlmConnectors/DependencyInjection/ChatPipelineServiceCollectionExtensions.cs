using LlmConnectors;
using LlmConnectors.DependencyInjection;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers whole chat pipelines bound to configuration, built on Microsoft.Extensions.AI's <see cref="ChatClientBuilder"/>.</summary>
public static class ChatPipelineServiceCollectionExtensions
{
    /// <summary>
    /// Registers the <see cref="IChatClient"/> service (through <c>AddChatClient</c>) as the pipeline described by
    /// <paramref name="configuration"/> (for example <c>configuration.GetSection("LlmConnectors:Pipeline")</c>; the shape is
    /// <see cref="ChatPipelineOptions"/>). The options are validated at start-up (<c>ValidateOnStart</c>) with messages naming each
    /// wrong setting; a later <see cref="IChatClient"/> registration that would replace this pipeline fails at start-up too.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The pipeline's configuration section.</param>
    /// <returns>The <see cref="ChatClientBuilder"/> of the registration: middlewares added to it (<c>.UseFunctionInvocation()</c>, ...) go outside the configured ones.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configuration"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The unkeyed pipeline is already registered.</exception>
    public static ChatClientBuilder AddChatPipeline(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        return AddCore(services, serviceKey: null, configuration);
    }

    /// <summary>
    /// Registers a keyed <see cref="IChatClient"/> service (through <c>AddKeyedChatClient</c>; resolve it with <c>[FromKeyedServices(key)]</c> or
    /// <c>GetRequiredKeyedService&lt;IChatClient&gt;(key)</c>) as the pipeline described by <paramref name="configuration"/>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="serviceKey">The service key.</param>
    /// <param name="configuration">The pipeline's configuration section.</param>
    /// <returns>The <see cref="ChatClientBuilder"/> of the registration: middlewares added to it go outside the configured ones.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">A pipeline with this key is already registered.</exception>
    public static ChatClientBuilder AddKeyedChatPipeline(this IServiceCollection services, object serviceKey, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(serviceKey);
        ArgumentNullException.ThrowIfNull(configuration);
        return AddCore(services, serviceKey, configuration);
    }

    /// <summary>Gets the name of the <see cref="ChatPipelineOptions"/> of a pipeline (<c>IOptionsMonitor&lt;ChatPipelineOptions&gt;.Get(name)</c>, <c>services.Configure&lt;ChatPipelineOptions&gt;(name, ...)</c>).</summary>
    /// <param name="serviceKey">The key of the pipeline, or <see langword="null"/> for the unkeyed one.</param>
    /// <returns>The options name.</returns>
    public static string ChatPipelineOptionsName(object? serviceKey) =>
        serviceKey is null ? Options.Options.DefaultName : $"LlmConnectors.ChatPipeline[{serviceKey}]";

    private static ChatClientBuilder AddCore(IServiceCollection services, object? serviceKey, IConfiguration configuration)
    {
        var optionsName = ChatPipelineOptionsName(serviceKey);
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
        var guard = ChatClientRegistrationGuard.Of(services);
        services.AddSingleton(new ChatPipelineSectionPath(optionsName, sectionPath));
        services.AddOptions();
        services.TryAddSingleton<ChatClientLeafResolver>();
        services.TryAddSingleton<ChatResponseValidatorRegistry>();
        services.AddOptions<ChatPipelineOptions>(optionsName)
            .Configure(options => ChatPipelineOptionsBinder.Bind(configuration, options))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ChatPipelineOptions>>(
            sp => new ChatPipelineOptionsValidator(
                optionsName, sectionPath, configuration, sp.GetRequiredService<ChatClientLeafResolver>(), sp.GetRequiredService<ChatResponseValidatorRegistry>(), sp));

        var factory = new ChatPipelineFactory(optionsName, sectionPath, configuration);
        var builder = serviceKey is null
            ? services.AddChatClient(factory.Build)
            : services.AddKeyedChatClient(serviceKey, factory.Build);
        var call = serviceKey is null ? "AddChatPipeline" : $"AddKeyedChatPipeline(\"{serviceKey}\")";
        guard.Claim(
            services[^1],
            $"{call} (section '{sectionPath}')",
            serviceKey is null
                ? "Register the other client keyed (services.AddKeyedChatClient(\"name\", ...)) and name it in the pipeline's configuration, " +
                  "or add middlewares on the ChatClientBuilder AddChatPipeline returns."
                : "Use another key for one of them.");
        return builder;
    }
}
