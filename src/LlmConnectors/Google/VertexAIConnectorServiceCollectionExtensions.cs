using LlmConnectors;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the <c>vertex</c> leaf (<see cref="VertexAIConnectorChatClient"/>) as a keyed <see cref="IChatClient"/> on Microsoft.Extensions.AI's DI.</summary>
public static class VertexAIConnectorServiceCollectionExtensions
{
    /// <summary>The default service key of the keyed <see cref="IChatClient"/>, and the model prefix the default pipeline routes to it.</summary>
    public const string ServiceKey = "vertex";

    private static readonly ConnectorRegistration<VertexAIConnectorOptions> Registration = new(
        "VertexAI", nameof(AddVertexAIConnector), Bind, (options, path) => options.Validate(path), (provider, options, path) => new VertexAIConnectorChatClient(options, provider.GetService<ILoggerFactory>()));

    /// <summary>
    /// Registers <see cref="VertexAIConnectorChatClient"/> as the keyed <see cref="IChatClient"/> <paramref name="serviceKey"/>, with its settings bound from a
    /// configuration section (usually <c>VertexAI</c>) and validated when the host starts.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The section holding the settings.</param>
    /// <param name="configure">Changes applied after binding, or <see langword="null"/>.</param>
    /// <param name="serviceKey">The service key. Default: <c>vertex</c>.</param>
    /// <returns>Microsoft.Extensions.AI's <see cref="ChatClientBuilder"/> of the keyed client, to add middlewares (<c>.UseConcurrencyLimit(...)</c>, ...).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configuration"/> is <see langword="null"/>.</exception>
    public static ChatClientBuilder AddVertexAIConnector(this IServiceCollection services, IConfiguration configuration, Action<VertexAIConnectorOptions>? configure = null, string serviceKey = ServiceKey) =>
        Registration.Add(services, configuration, configure, serviceKey);

    /// <summary>Registers <see cref="VertexAIConnectorChatClient"/> as the keyed <see cref="IChatClient"/> <paramref name="serviceKey"/>, with settings set in code and validated when the host starts.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the settings.</param>
    /// <param name="serviceKey">The service key. Default: <c>vertex</c>.</param>
    /// <returns>Microsoft.Extensions.AI's <see cref="ChatClientBuilder"/> of the keyed client.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    public static ChatClientBuilder AddVertexAIConnector(this IServiceCollection services, Action<VertexAIConnectorOptions> configure, string serviceKey = ServiceKey) =>
        Registration.Add(services, configure, serviceKey);

    /// <summary>Binds the settings from a configuration section (AOT-safe, by hand).</summary>
    /// <param name="configuration">The section.</param>
    /// <param name="options">The options to bind onto.</param>
    /// <param name="path">The section's path, for error messages.</param>
    internal static void Bind(IConfiguration configuration, VertexAIConnectorOptions options, string path)
    {
        options.ProjectId = ProviderConfigurationValues.String(configuration, "ProjectId") ?? options.ProjectId;
        options.Location = ProviderConfigurationValues.String(configuration, "Location") ?? options.Location;
        options.Endpoint = ProviderConfigurationValues.AbsoluteUri<VertexAIConnectorOptions>(configuration, path, "Endpoint") ?? options.Endpoint;
        options.CredentialsFile = ProviderConfigurationValues.String(configuration, "CredentialsFile") ?? options.CredentialsFile;
        options.ModelId = ProviderConfigurationValues.String(configuration, "ModelId") ?? options.ModelId;
        options.Timeout = ProviderConfigurationValues.TimeoutAndRetry<VertexAIConnectorOptions>(configuration, path, options.Timeout, options.Retry);
    }
}
