using LlmConnectors;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the <c>anthropic</c> leaf (<see cref="AnthropicConnectorChatClient"/>) as a keyed <see cref="IChatClient"/> on Microsoft.Extensions.AI's DI.</summary>
public static class AnthropicConnectorServiceCollectionExtensions
{
    /// <summary>The default service key of the keyed <see cref="IChatClient"/>, and the model prefix the default pipeline routes to it.</summary>
    public const string ServiceKey = "anthropic";

    private static readonly ConnectorRegistration<AnthropicConnectorOptions> Registration = new(
        "Anthropic", nameof(AddAnthropicConnector), Bind, (options, path) => options.Validate(path), (provider, options, path) => new AnthropicConnectorChatClient(options, path));

    /// <summary>
    /// Registers <see cref="AnthropicConnectorChatClient"/> as the keyed <see cref="IChatClient"/> <paramref name="serviceKey"/>, with its settings bound from a
    /// configuration section (usually <c>Anthropic</c>) and validated when the host starts.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The section holding the settings.</param>
    /// <param name="configure">Changes applied after binding, or <see langword="null"/>.</param>
    /// <param name="serviceKey">The service key. Default: <c>anthropic</c>.</param>
    /// <returns>Microsoft.Extensions.AI's <see cref="ChatClientBuilder"/> of the keyed client, to add middlewares (<c>.UseConcurrencyLimit(...)</c>, ...).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configuration"/> is <see langword="null"/>.</exception>
    public static ChatClientBuilder AddAnthropicConnector(this IServiceCollection services, IConfiguration configuration, Action<AnthropicConnectorOptions>? configure = null, string serviceKey = ServiceKey) =>
        Registration.Add(services, configuration, configure, serviceKey);

    /// <summary>Registers <see cref="AnthropicConnectorChatClient"/> as the keyed <see cref="IChatClient"/> <paramref name="serviceKey"/>, with settings set in code and validated when the host starts.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the settings.</param>
    /// <param name="serviceKey">The service key. Default: <c>anthropic</c>.</param>
    /// <returns>Microsoft.Extensions.AI's <see cref="ChatClientBuilder"/> of the keyed client.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    public static ChatClientBuilder AddAnthropicConnector(this IServiceCollection services, Action<AnthropicConnectorOptions> configure, string serviceKey = ServiceKey) =>
        Registration.Add(services, configure, serviceKey);

    /// <summary>Binds the settings from a configuration section (AOT-safe, by hand).</summary>
    /// <param name="configuration">The section.</param>
    /// <param name="options">The options to bind onto.</param>
    /// <param name="path">The section's path, for error messages.</param>
    internal static void Bind(IConfiguration configuration, AnthropicConnectorOptions options, string path)
    {
        options.ApiKey = ProviderConfigurationValues.String(configuration, "ApiKey") ?? options.ApiKey;
        options.ModelId = ProviderConfigurationValues.String(configuration, "ModelId") ?? options.ModelId;
        options.Endpoint = ProviderConfigurationValues.AbsoluteUri<AnthropicConnectorOptions>(configuration, path, "Endpoint") ?? options.Endpoint;
        options.DefaultMaxOutputTokens = ConfigurationValues.Int<AnthropicConnectorOptions>(configuration, path, "DefaultMaxOutputTokens") ?? options.DefaultMaxOutputTokens;
        options.Timeout = ProviderConfigurationValues.TimeoutAndRetry<AnthropicConnectorOptions>(configuration, path, options.Timeout, options.Retry);
    }
}
