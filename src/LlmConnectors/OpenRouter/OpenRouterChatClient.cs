using System.Text.Json;
using LlmConnectors.OpenAICompatible;
using LlmConnectors.OpenRouter;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace LlmConnectors;

/// <summary>
/// An <see cref="IChatClient"/> for OpenRouter's chat completions API, with OpenRouter's extras: fallback models, provider routing,
/// plugins, reasoning (surfaced as <see cref="TextReasoningContent"/> and sent back unchanged), cost, mid-stream errors and
/// HTTP-200-with-error bodies as <see cref="LlmConnectorException"/>, and transport retries honouring <c>Retry-After</c>.
/// </summary>
/// <remarks>
/// <para>Typed extras per request: <see cref="OpenRouterChatOptionsExtensions"/>. Anything else in <see cref="ChatOptions.AdditionalProperties"/>
/// is copied into the JSON body as it is.</para>
/// <para>Responses carry <c>provider</c>, <c>native_finish_reason</c> and <c>cost</c> (a <see cref="decimal"/> in USD) in
/// <see cref="ChatResponse.AdditionalProperties"/>; streamed usage arrives as a <see cref="UsageContent"/> in the last update.</para>
/// <para><see cref="GetService"/> answers <see cref="ChatClientMetadata"/> (provider <c>openrouter</c>), <see cref="OpenRouterClientOptions"/>
/// and <see cref="IModelCapabilityProvider"/> (backed by the cached model catalogue).</para>
/// </remarks>
public sealed class OpenRouterChatClient : IChatClient
{
    /// <summary>The provider name in <see cref="ChatClientMetadata.ProviderName"/> and <see cref="LlmConnectorException.Provider"/>.</summary>
    public const string ProviderName = "openrouter";

    private static readonly HashSet<string> ExtraKeys = new(StringComparer.Ordinal)
    {
        OpenRouterChatOptionsExtensions.ModelsKey,
        OpenRouterChatOptionsExtensions.ProviderKey,
        OpenRouterChatOptionsExtensions.PluginsKey,
        OpenRouterChatOptionsExtensions.ReasoningKey,
    };

    private readonly OpenRouterClientOptions _options;
    private readonly OpenAICompatibleChatClient _core;
    private readonly OpenRouterModelCatalog _catalog;

    /// <summary>Initializes a new instance of the <see cref="OpenRouterChatClient"/> class.</summary>
    /// <param name="options">The settings: at least an API key (or the <c>OPENROUTER_API_KEY</c> environment variable).</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A setting is missing or invalid; the message names it and says how to fix it.</exception>
    public OpenRouterChatClient(OpenRouterClientOptions options)
        : this(options, loggerFactory: null)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="OpenRouterChatClient"/> class.</summary>
    /// <param name="options">The settings: at least an API key (or the <c>OPENROUTER_API_KEY</c> environment variable).</param>
    /// <param name="loggerFactory">Where to log retries and failures (never keys; message contents only at Trace), or <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A setting is missing or invalid; the message names it and says how to fix it.</exception>
    public OpenRouterChatClient(OpenRouterClientOptions options, ILoggerFactory? loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("The OpenRouter settings are not valid: " + string.Join(" ", errors), nameof(options));
        }

        _options = options;
        var apiKey = options.ResolveApiKey()!;
        var authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", apiKey);
        var appUrl = string.IsNullOrWhiteSpace(options.AppUrl) ? null : options.AppUrl;
        var appTitle = string.IsNullOrWhiteSpace(options.AppTitle) ? null : options.AppTitle;
        var defaults = CreateDefaultExtras(options);
        var ownsHttpClient = options.HttpClient is null;
        var httpClient = options.HttpClient ?? new HttpClient { Timeout = System.Threading.Timeout.InfiniteTimeSpan };

        _core = new OpenAICompatibleChatClient(new OpenAICompatibleClientOptions
        {
            ProviderName = ProviderName,
            DisplayName = "OpenRouter",
            Endpoint = options.Endpoint,
            HttpClient = httpClient,
            DisposeHttpClient = ownsHttpClient,
            DefaultModelId = options.ModelId,
            ModelIdSettingName = "OpenRouter:ModelId",
            ApiKeySettingName = $"OpenRouter:ApiKey or {OpenRouterClientOptions.ApiKeyEnvironmentVariable}",
            Retry = options.Retry,
            Timeout = options.Timeout == System.Threading.Timeout.InfiniteTimeSpan ? null : options.Timeout,
            TimeProvider = options.TimeProvider,
            Logger = loggerFactory?.CreateLogger<OpenRouterChatClient>(),
            ConsumedAdditionalProperties = ExtraKeys,
            ConfigureHttpRequest = request =>
            {
                request.Headers.Authorization = authorization;
                if (appUrl is not null)
                {
                    request.Headers.TryAddWithoutValidation("HTTP-Referer", appUrl);
                }

                if (appTitle is not null)
                {
                    request.Headers.TryAddWithoutValidation("X-OpenRouter-Title", appTitle);
                    request.Headers.TryAddWithoutValidation("X-Title", appTitle);
                }
            },
            ConfigureRequest = (request, chatOptions) => AddExtras(request, chatOptions, defaults),
        });

        _catalog = new OpenRouterModelCatalog(ListModelsAsync, options.ModelCatalogCacheDuration, options.TimeProvider, options.ModelId);
    }

    /// <summary>Gets the settings the client was created with.</summary>
    public OpenRouterClientOptions Options => _options;

    /// <summary>Gets the client's metadata: provider <c>openrouter</c>, the endpoint and the default model.</summary>
    public ChatClientMetadata Metadata => _core.Metadata;

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="messages"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">No model is given by <see cref="ChatOptions.ModelId"/> nor <see cref="OpenRouterClientOptions.ModelId"/>.</exception>
    /// <exception cref="LlmConnectorException">OpenRouter failed: a non-2xx status, a 200 body with <c>error</c>, or a network fault after the retries.</exception>
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        _core.GetResponseAsync(messages, options, cancellationToken);

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="messages"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">No model is given by <see cref="ChatOptions.ModelId"/> nor <see cref="OpenRouterClientOptions.ModelId"/>.</exception>
    /// <exception cref="LlmConnectorException">OpenRouter failed, before the stream or in the middle of it (after the updates already yielded).</exception>
    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        _core.GetStreamingResponseAsync(messages, options, cancellationToken);

    /// <summary>Lists OpenRouter's models (<c>GET /models</c>) with context length, pricing, modalities and supported parameters.</summary>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The models.</returns>
    /// <exception cref="LlmConnectorException">The request failed.</exception>
    public async Task<IReadOnlyList<OpenRouterModel>> ListModelsAsync(CancellationToken cancellationToken = default)
    {
        var response = await _core.GetModelsAsync(cancellationToken).ConfigureAwait(false);
        return OpenRouterModelCatalog.ToModels(response);
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(ChatClientMetadata))
        {
            return _core.Metadata;
        }

        if (serviceType == typeof(OpenRouterClientOptions))
        {
            return _options;
        }

        if (serviceType == typeof(IModelCapabilityProvider))
        {
            return _catalog;
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <inheritdoc/>
    public void Dispose() => _core.Dispose();

    private static Dictionary<string, JsonElement> CreateDefaultExtras(OpenRouterClientOptions options)
    {
        var defaults = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (options.Models is { Count: > 0 } models)
        {
            defaults[OpenRouterChatOptionsExtensions.ModelsKey] = JsonSerializer.SerializeToElement(models, OpenRouterJsonContext.Default.IListString);
        }

        if (options.Provider is { } provider)
        {
            defaults[OpenRouterChatOptionsExtensions.ProviderKey] = JsonSerializer.SerializeToElement(provider, OpenRouterJsonContext.Default.OpenRouterProviderPreferences);
        }

        if (options.Plugins is { Count: > 0 } plugins)
        {
            defaults[OpenRouterChatOptionsExtensions.PluginsKey] = JsonSerializer.SerializeToElement(plugins, OpenRouterJsonContext.Default.IListOpenRouterPlugin);
        }

        if (options.Reasoning is { } reasoning)
        {
            defaults[OpenRouterChatOptionsExtensions.ReasoningKey] = JsonSerializer.SerializeToElement(reasoning, OpenRouterJsonContext.Default.OpenRouterReasoningOptions);
        }

        return defaults;
    }

    private static void AddExtras(ChatCompletionRequest request, ChatOptions? chatOptions, Dictionary<string, JsonElement> defaults)
    {
        var extension = request.ExtensionData ??= new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var (key, value) in defaults)
        {
            extension[key] = value;
        }

        if (chatOptions?.AdditionalProperties is { Count: > 0 } properties)
        {
            foreach (var key in ExtraKeys)
            {
                if (properties.TryGetValue(key, out var value))
                {
                    extension[key] = SerializeExtra(value);
                }
            }
        }

        // OpenRouter's unified 'reasoning' object replaces the OpenAI-style 'reasoning_effort'.
        if (!extension.ContainsKey(OpenRouterChatOptionsExtensions.ReasoningKey) && chatOptions?.Reasoning is { } reasoning &&
            (reasoning.Effort is not null || reasoning.Output == ReasoningOutput.None))
        {
            var mapped = new OpenRouterReasoningOptions
            {
                Effort = reasoning.Effort is { } effort ? OpenAIRequestMapper.EffortName(effort) : null,
                Exclude = reasoning.Output == ReasoningOutput.None ? true : null,
            };
            extension[OpenRouterChatOptionsExtensions.ReasoningKey] = JsonSerializer.SerializeToElement(mapped, OpenRouterJsonContext.Default.OpenRouterReasoningOptions);
        }

        if (extension.ContainsKey(OpenRouterChatOptionsExtensions.ReasoningKey))
        {
            request.ReasoningEffort = null;
        }

        if (extension.Count == 0)
        {
            request.ExtensionData = null;
        }
    }

    private static JsonElement SerializeExtra(object? value) => value switch
    {
        OpenRouterProviderPreferences provider => JsonSerializer.SerializeToElement(provider, OpenRouterJsonContext.Default.OpenRouterProviderPreferences),
        OpenRouterReasoningOptions reasoning => JsonSerializer.SerializeToElement(reasoning, OpenRouterJsonContext.Default.OpenRouterReasoningOptions),
        IList<OpenRouterPlugin> plugins => JsonSerializer.SerializeToElement(plugins, OpenRouterJsonContext.Default.IListOpenRouterPlugin),
        IEnumerable<OpenRouterPlugin> plugins => JsonSerializer.SerializeToElement(plugins.ToList(), OpenRouterJsonContext.Default.IListOpenRouterPlugin),
        IList<string> models => JsonSerializer.SerializeToElement(models, OpenRouterJsonContext.Default.IListString),
        IEnumerable<string> models => JsonSerializer.SerializeToElement(models.ToList(), OpenRouterJsonContext.Default.IListString),
        _ => OpenAIRequestMapper.ToJsonElement(value),
    };
}
