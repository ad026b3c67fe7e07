using LlmConnectors.OpenAICompatible;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace LlmConnectors;

/// <summary>
/// Builds the wire engine of the Gemini and Vertex AI leaves: the pack's OpenAI-compatible client with what Google's endpoints
/// need beyond plain OpenAI. Thought signatures come back on tool calls as <c>extra_content</c> and are sent back with them by the
/// wire mapping; reasoning goes as <c>reasoning_effort</c>, which Google accepts up to <c>high</c>.
/// </summary>
internal static class GoogleOpenAICompatibleWire
{
    /// <summary>The settings a Google leaf passes in.</summary>
    /// <param name="ProviderName">The provider name (<c>gemini</c>, <c>vertex</c>).</param>
    /// <param name="DisplayName">The name in error messages.</param>
    /// <param name="SectionName">The configuration path of the settings.</param>
    /// <param name="Endpoint">The OpenAI-compatible base address.</param>
    /// <param name="HttpClient">The HTTP client, or <see langword="null"/> to create one.</param>
    /// <param name="ModelId">The default model.</param>
    /// <param name="ApiKeySettingName">The credential settings named in 401 messages.</param>
    /// <param name="Retry">The transport-retry settings.</param>
    /// <param name="Timeout">The per-attempt timeout.</param>
    /// <param name="TimeProvider">The clock.</param>
    internal sealed record Settings(
        string ProviderName, string DisplayName, string SectionName, Uri Endpoint, HttpClient? HttpClient, string? ModelId,
        string ApiKeySettingName, TransportRetryOptions Retry, TimeSpan? Timeout, TimeProvider TimeProvider);

    /// <summary>Creates the engine.</summary>
    /// <param name="settings">The leaf's settings.</param>
    /// <param name="logger">The logger, or <see langword="null"/>.</param>
    /// <param name="configureHttpRequest">Adds a static credential (the Gemini API key), or <see langword="null"/>.</param>
    /// <param name="authorizeAsync">Adds a refreshed credential (a Vertex AI access token), or <see langword="null"/>.</param>
    /// <returns>The engine.</returns>
    public static OpenAICompatibleChatClient Create(
        Settings settings, ILogger? logger, Action<HttpRequestMessage>? configureHttpRequest, Func<HttpRequestMessage, CancellationToken, ValueTask>? authorizeAsync) =>
        new(new OpenAICompatibleClientOptions
        {
            ProviderName = settings.ProviderName,
            DisplayName = settings.DisplayName,
            Endpoint = settings.Endpoint,
            HttpClient = settings.HttpClient ?? new HttpClient { Timeout = System.Threading.Timeout.InfiniteTimeSpan },
            DisposeHttpClient = settings.HttpClient is null,
            DefaultModelId = settings.ModelId,
            ModelIdSettingName = $"{settings.SectionName}:ModelId",
            ApiKeySettingName = settings.ApiKeySettingName,
            Retry = settings.Retry,
            Timeout = settings.Timeout == System.Threading.Timeout.InfiniteTimeSpan ? null : settings.Timeout,
            TimeProvider = settings.TimeProvider,
            Logger = logger,
            ConfigureHttpRequest = configureHttpRequest,
            AuthorizeHttpRequestAsync = authorizeAsync,
            ConfigureRequest = AdjustRequest,
        });

    /// <summary>Maps what Google's OpenAI-compatible endpoints read differently from OpenAI.</summary>
    /// <param name="request">The wire request.</param>
    /// <param name="options">The caller's options.</param>
    internal static void AdjustRequest(ChatCompletionRequest request, ChatOptions? options)
    {
        // Google accepts none, minimal, low, medium and high; the extra-high effort maps to its highest.
        if (request.ReasoningEffort == "xhigh")
        {
            request.ReasoningEffort = "high";
        }
    }
}
