using LlmConnectors.OpenAICompatible;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace LlmConnectors;

/// <summary>
/// An <see cref="IChatClient"/> for the Gemini API (an API key from Google AI Studio) through Google's OpenAI-compatible endpoint,
/// on the pack's OpenAI-compatible wire layer: streaming, tools (with Gemini's thought signatures carried back on the calls),
/// images and files, JSON schema, <c>reasoning_effort</c>; failures as <see cref="LlmConnectorException"/>.
/// </summary>
/// <remarks>
/// <see cref="ConnectorLeafChatClient.GetService"/> answers <see cref="ChatClientMetadata"/> (provider <c>gemini</c>),
/// <see cref="GeminiConnectorOptions"/> and <see cref="IModelCapabilityProvider"/>.
/// </remarks>
public sealed class GeminiConnectorChatClient : ConnectorLeafChatClient
{
    /// <summary>The provider name in <see cref="ChatClientMetadata.ProviderName"/> and <see cref="LlmConnectorException.Provider"/>.</summary>
    public const string ProviderName = "gemini";

    /// <summary>Initializes a new instance of the <see cref="GeminiConnectorChatClient"/> class.</summary>
    /// <param name="options">The settings: at least an API key (or <c>GEMINI_API_KEY</c> / <c>GOOGLE_API_KEY</c>).</param>
    /// <param name="loggerFactory">Where to log retries and failures (never keys), or <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A setting is missing or invalid; the message names it.</exception>
    public GeminiConnectorChatClient(GeminiConnectorOptions options, ILoggerFactory? loggerFactory = null)
        : base(CreateCore(options, loggerFactory), options, new KnownModelCapabilities(options.ModelId, KnownModelCapabilities.Gemini), translate: null)
    {
        Options = options;
    }

    /// <summary>Gets the settings the client was created with.</summary>
    public GeminiConnectorOptions Options { get; }

    private static OpenAICompatibleChatClient CreateCore(GeminiConnectorOptions options, ILoggerFactory? loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("The Gemini settings are not valid: " + string.Join(" ", errors), nameof(options));
        }

        var authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", options.ResolveApiKey());
        return GoogleOpenAICompatibleWire.Create(
            new GoogleOpenAICompatibleWire.Settings(
                ProviderName, "Gemini", "Gemini", options.Endpoint, options.HttpClient, options.ModelId,
                $"Gemini:ApiKey, {GeminiConnectorOptions.ApiKeyEnvironmentVariable} or {GeminiConnectorOptions.AlternateApiKeyEnvironmentVariable}",
                options.Retry, options.Timeout, options.TimeProvider),
            loggerFactory?.CreateLogger<GeminiConnectorChatClient>(),
            request => request.Headers.Authorization = authorization,
            authorizeAsync: null);
    }
}
