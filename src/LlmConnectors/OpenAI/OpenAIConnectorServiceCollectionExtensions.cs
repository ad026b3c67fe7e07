using LlmConnectors;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the <c>openai</c> leaf (<see cref="OpenAIConnectorChatClient"/>) as a keyed <see cref="IChatClient"/> on Microsoft.Extensions.AI's DI.</summary>
public static class OpenAIConnectorServiceCollectionExtensions
{
    /// <summary>The default service key of the keyed <see cref="IChatClient"/>, and the model prefix the default pipeline routes to it.</summary>
    public const string ServiceKey = "openai";

    private static readonly ConnectorRegistration<OpenAIConnectorOptions> Registration = new(
        "OpenAI", nameof(AddOpenAIConnector), Bind, (options, path) => options.Validate(path), (provider, options, path) => new OpenAIConnectorChatClient(options, path));

    /// <summary>
    /// Registers <see cref="OpenAIConnectorChatClient"/> as the keyed <see cref="IChatClient"/> <paramref name="serviceKey"/>, with its settings bound from a
    /// configuration section (usually <c>OpenAI</c>) and validated when the host starts.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The section holding the settings.</param>
    /// <param name="configure">Changes applied after binding, or <see langword="null"/>.</param>
    /// <param name="serviceKey">The service key. Default: <c>openai</c>.</param>
    /// <returns>Microsoft.Extensions.AI's <see cref="ChatClientBuilder"/> of the keyed client, to add middlewares (<c>.UseConcurrencyLimit(...)</c>, ...).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configuration"/> is <see langword="null"/>.</exception>
    public static ChatClientBuilder AddOpenAIConnector(this IServiceCollection services, IConfiguration configuration, Action<OpenAIConnectorOptions>? configure = null, string serviceKey = ServiceKey) =>
        Registration.Add(services, configuration, configure, serviceKey);

    /// <summary>Registers <see cref="OpenAIConnectorChatClient"/> as the keyed <see cref="IChatClient"/> <paramref name="serviceKey"/>, with settings set in code and validated when the host starts.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the settings.</param>
    /// <param name="serviceKey">The service key. Default: <c>openai</c>.</param>
    /// <returns>Microsoft.Extensions.AI's <see cref="ChatClientBuilder"/> of the keyed client.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    public static ChatClientBuilder AddOpenAIConnector(this IServiceCollection services, Action<OpenAIConnectorOptions> configure, string serviceKey = ServiceKey) =>
        Registration.Add(services, configure, serviceKey);

    /// <summary>Binds the settings from a configuration section (AOT-safe, by hand).</summary>
    /// <param name="configuration">The section.</param>
    /// <param name="options">The options to bind onto.</param>
    /// <param name="path">The section's path, for error messages.</param>
    internal static void Bind(IConfiguration configuration, OpenAIConnectorOptions options, string path)
    {
        options.ApiKey = ProviderConfigurationValues.String(configuration, "ApiKey") ?? options.ApiKey;
        options.ModelId = ProviderConfigurationValues.String(configuration, "ModelId") ?? options.ModelId;
        options.Endpoint = ProviderConfigurationValues.AbsoluteUri<OpenAIConnectorOptions>(configuration, path, "Endpoint") ?? options.Endpoint;
        options.OrganizationId = ProviderConfigurationValues.String(configuration, "OrganizationId") ?? options.OrganizationId;
        options.ProjectId = ProviderConfigurationValues.String(configuration, "ProjectId") ?? options.ProjectId;
        options.Timeout = ProviderConfigurationValues.TimeoutAndRetry<OpenAIConnectorOptions>(configuration, path, options.Timeout, options.Retry);
    }
}
