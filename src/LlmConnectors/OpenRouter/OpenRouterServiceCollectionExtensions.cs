using LlmConnectors;
using LlmConnectors.OpenRouter;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="OpenRouterChatClient"/> in a service collection.</summary>
public static class OpenRouterServiceCollectionExtensions
{
    /// <summary>The name of the <see cref="HttpClient"/> the client gets from <c>IHttpClientFactory</c>.</summary>
    public const string HttpClientName = "LlmConnectors.OpenRouter";

    /// <summary>The key of the keyed <see cref="IChatClient"/> registration.</summary>
    public const string ServiceKey = "openrouter";

    /// <summary>
    /// Registers <see cref="OpenRouterChatClient"/> (as itself, as the keyed <see cref="IChatClient"/> <c>"openrouter"</c> through
    /// <c>AddKeyedChatClient</c>, and as the unkeyed <see cref="IChatClient"/> when none is registered yet) with its settings bound from a configuration section, validated at start-up.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The section holding the settings, usually <c>configuration.GetSection("OpenRouter")</c>.</param>
    /// <param name="configure">Changes applied after binding, or <see langword="null"/>.</param>
    /// <returns>The <see cref="ChatClientBuilder"/> of the keyed registration, to add middlewares (<c>.UseFunctionInvocation().UseOpenTelemetry()</c>).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configuration"/> is <see langword="null"/>.</exception>
    public static ChatClientBuilder AddOpenRouterChatClient(this IServiceCollection services, IConfiguration configuration, Action<OpenRouterClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var sectionName = configuration is IConfigurationSection section ? section.Path : "OpenRouter";
        return AddCore(services, sectionName, options =>
        {
            OpenRouterConfigurationBinder.Bind(configuration, options, sectionName);
            configure?.Invoke(options);
        });
    }

    /// <summary>
    /// Registers <see cref="OpenRouterChatClient"/> (as itself, as the keyed <see cref="IChatClient"/> <c>"openrouter"</c> through
    /// <c>AddKeyedChatClient</c>, and as the unkeyed <see cref="IChatClient"/> when none is registered yet) with settings set in code, validated at start-up.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the settings.</param>
    /// <returns>The <see cref="ChatClientBuilder"/> of the keyed registration, to add middlewares (<c>.UseFunctionInvocation().UseOpenTelemetry()</c>).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    public static ChatClientBuilder AddOpenRouterChatClient(this IServiceCollection services, Action<OpenRouterClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        return AddCore(services, "OpenRouter", configure);
    }

    private static ChatClientBuilder AddCore(IServiceCollection services, string sectionName, Action<OpenRouterClientOptions> configure)
    {
        services.AddHttpClient(HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan);
        services.AddOptions<OpenRouterClientOptions>()
            .Configure(configure)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<OpenRouterClientOptions>>(new OpenRouterClientOptionsValidator(sectionName));

        services.TryAddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<OpenRouterClientOptions>>().Value;
            options.HttpClient ??= provider.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName);
            return new OpenRouterChatClient(options, provider.GetService<ILoggerFactory>());
        });
        return LlmConnectors.DependencyInjection.LeafRegistration.Add<OpenRouterChatClient>(services, ServiceKey, nameof(AddOpenRouterChatClient));
    }
}
