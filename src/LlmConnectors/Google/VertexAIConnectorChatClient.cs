using LlmConnectors.OpenAICompatible;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace LlmConnectors;

/// <summary>
/// An <see cref="IChatClient"/> for Gemini on Vertex AI through its OpenAI-compatible endpoint
/// (<c>.../v1/projects/{project}/locations/{location}/endpoints/openapi</c>), authenticated with Google application-default
/// credentials through Google.Apis.Auth (a service-account key or an <c>authorized_user</c> file; tokens cached and refreshed).
/// Same wire features as <see cref="GeminiConnectorChatClient"/>.
/// </summary>
/// <remarks>
/// <see cref="ConnectorLeafChatClient.GetService"/> answers <see cref="ChatClientMetadata"/> (provider <c>vertex</c>),
/// <see cref="VertexAIConnectorOptions"/> and <see cref="IModelCapabilityProvider"/>.
/// </remarks>
public sealed class VertexAIConnectorChatClient : ConnectorLeafChatClient
{
    /// <summary>The provider name in <see cref="ChatClientMetadata.ProviderName"/> and <see cref="LlmConnectorException.Provider"/>.</summary>
    public const string ProviderName = "vertex";

    /// <summary>Initializes a new instance of the <see cref="VertexAIConnectorChatClient"/> class.</summary>
    /// <param name="options">The settings: a project (or <c>GOOGLE_CLOUD_PROJECT</c>) and Google credentials.</param>
    /// <param name="loggerFactory">Where to log retries and failures (never tokens), or <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A setting is missing or invalid; the message names it.</exception>
    /// <remarks>The credential is loaded on the first request; a missing or refused one fails that request with <see cref="LlmErrorKind.Authentication"/>.</remarks>
    public VertexAIConnectorChatClient(VertexAIConnectorOptions options, ILoggerFactory? loggerFactory = null)
        : base(CreateCore(options, loggerFactory), options, new KnownModelCapabilities(options.ModelId, KnownModelCapabilities.Gemini), translate: null)
    {
        Options = options;
    }

    /// <summary>Gets the settings the client was created with.</summary>
    public VertexAIConnectorOptions Options { get; }

    private static OpenAICompatibleChatClient CreateCore(VertexAIConnectorOptions options, ILoggerFactory? loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("The Vertex AI settings are not valid: " + string.Join(" ", errors), nameof(options));
        }

        var tokens = new GoogleAccessTokenSource(options, "VertexAI");
        return GoogleOpenAICompatibleWire.Create(
            new GoogleOpenAICompatibleWire.Settings(
                ProviderName, "Vertex AI", "VertexAI", options.ResolveEndpoint(), options.HttpClient, options.ModelId,
                $"VertexAI:CredentialsFile or {VertexAIConnectorOptions.CredentialsEnvironmentVariable}",
                options.Retry, options.Timeout, options.TimeProvider),
            loggerFactory?.CreateLogger<VertexAIConnectorChatClient>(),
            configureHttpRequest: null,
            tokens.AuthorizeAsync);
    }
}
