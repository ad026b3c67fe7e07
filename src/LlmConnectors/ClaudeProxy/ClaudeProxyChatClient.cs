using System.Net.Http.Headers;
using LlmConnectors.OpenAICompatible;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace LlmConnectors;

/// <summary>
/// An <see cref="IChatClient"/> for the Claude proxy of this pack (<c>LlmConnectors.ClaudeProxy</c>), which serves the Claude Code CLI
/// over the OpenAI chat completions wire format: for apps on another machine than the CLI.
/// </summary>
/// <remarks>
/// <para>Streaming and non-streaming; failures arrive as <see cref="LlmConnectorException"/> with provider <c>claude-proxy</c> (a
/// full queue as <see cref="LlmErrorKind.RateLimited"/> with <see cref="LlmConnectorException.RetryAfter"/>), transport failures are
/// retried by the one pipeline of <see cref="ClaudeProxyClientOptions.Retry"/>. Model ids may carry the routing prefix <c>max/</c>
/// (<c>max/sonnet</c>); it is removed on the wire.</para>
/// <para><see cref="GetService"/> answers <see cref="ChatClientMetadata"/> (provider <c>claude-proxy</c>),
/// <see cref="ClaudeProxyClientOptions"/> and <see cref="IModelCapabilityProvider"/> (images, PDFs, JSON object and JSON schema; no tools).</para>
/// </remarks>
public sealed class ClaudeProxyChatClient : IChatClient, IModelCapabilityProvider
{
    /// <summary>The provider name in <see cref="ChatClientMetadata.ProviderName"/> and <see cref="LlmConnectorException.Provider"/>.</summary>
    public const string ProviderName = "claude-proxy";

    /// <summary>The routing prefix removed from model ids on the wire.</summary>
    public const string ModelPrefix = ModelPrefixes.Claude;

    private readonly ClaudeProxyClientOptions _options;
    private readonly OpenAICompatibleChatClient _core;

    /// <summary>Initializes a new instance of the <see cref="ClaudeProxyChatClient"/> class.</summary>
    /// <param name="options">The settings; the defaults reach a proxy on <c>http://127.0.0.1:3010/v1</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A setting is invalid; the message names it and says how to fix it.</exception>
    public ClaudeProxyChatClient(ClaudeProxyClientOptions options)
        : this(options, loggerFactory: null)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ClaudeProxyChatClient"/> class.</summary>
    /// <param name="options">The settings; the defaults reach a proxy on <c>http://127.0.0.1:3010/v1</c>.</param>
    /// <param name="loggerFactory">Where to log retries and failures (never keys; message contents only at Trace), or <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A setting is invalid; the message names it and says how to fix it.</exception>
    public ClaudeProxyChatClient(ClaudeProxyClientOptions options, ILoggerFactory? loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("The Claude proxy client settings are not valid: " + string.Join(" ", errors), nameof(options));
        }

        _options = options;
        var authorization = options.ResolveApiKey() is { } key ? new AuthenticationHeaderValue("Bearer", key) : null;
        var ownsHttpClient = options.HttpClient is null;
        _core = new OpenAICompatibleChatClient(new OpenAICompatibleClientOptions
        {
            ProviderName = ProviderName,
            DisplayName = "The Claude proxy",
            Endpoint = options.Endpoint,
            HttpClient = options.HttpClient ?? new HttpClient { Timeout = System.Threading.Timeout.InfiniteTimeSpan },
            DisposeHttpClient = ownsHttpClient,
            DefaultModelId = options.ModelId,
            ModelIdSettingName = "ClaudeProxyClient:ModelId",
            ApiKeySettingName = $"ClaudeProxyClient:ApiKey or {ClaudeProxyClientOptions.ApiKeyEnvironmentVariable} (the proxy's ClaudeProxy:ApiKey)",
            Retry = options.Retry,
            Timeout = options.Timeout == System.Threading.Timeout.InfiniteTimeSpan ? null : options.Timeout,
            Logger = loggerFactory?.CreateLogger<ClaudeProxyChatClient>(),
            MapModelId = StripPrefix,
            ConfigureHttpRequest = authorization is null ? null : request => request.Headers.Authorization = authorization,
        });
    }

    /// <summary>Gets the settings the client was created with.</summary>
    public ClaudeProxyClientOptions Options => _options;

    /// <summary>Gets the client's metadata: provider <c>claude-proxy</c>, the endpoint and the default model.</summary>
    public ChatClientMetadata Metadata => _core.Metadata;

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="messages"/> is <see langword="null"/>.</exception>
    /// <exception cref="LlmConnectorException">The proxy answered an error (401, 404 <c>model_not_found</c>, 429, 502, 504, ...) or could not be reached after the retries.</exception>
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        _core.GetResponseAsync(messages, options, cancellationToken);

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="messages"/> is <see langword="null"/>.</exception>
    /// <exception cref="LlmConnectorException">The proxy failed, before the stream or in the middle of it (after the updates already yielded).</exception>
    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        _core.GetStreamingResponseAsync(messages, options, cancellationToken);

    /// <summary>Lists the model ids the proxy serves (<c>GET /v1/models</c>).</summary>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The model ids.</returns>
    /// <exception cref="LlmConnectorException">The request failed.</exception>
    public async Task<IReadOnlyList<string>> ListModelsAsync(CancellationToken cancellationToken = default)
    {
        var response = await _core.GetModelsAsync(cancellationToken).ConfigureAwait(false);
        return [.. (response.Data ?? []).Select(m => m.Id).OfType<string>()];
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Images and PDFs are accepted (as data URLs); JSON schemas are enforced natively by the CLI, and <c>json_object</c> through a
    /// schema of any object; tools never (the proxy does not run them).
    /// </remarks>
    public ValueTask<ModelCapabilities?> GetModelCapabilitiesAsync(string? modelId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<ModelCapabilities?>(new ModelCapabilities
        {
            ModelId = StripPrefix(modelId ?? _options.ModelId ?? "sonnet"),
            SupportsImages = true,
            SupportsFiles = true,
            SupportsJsonObject = true,
            SupportsJsonSchema = true,
            SupportsTools = true,
        });

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

        if (serviceType == typeof(ClaudeProxyClientOptions))
        {
            return _options;
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <inheritdoc/>
    public void Dispose() => _core.Dispose();

    /// <summary>Removes a routing prefix that leads to the proxy (<c>max/</c>, <c>claude-proxy/</c>) from a model id.</summary>
    /// <param name="modelId">The model id.</param>
    /// <returns>The id the proxy knows.</returns>
    internal static string StripPrefix(string modelId) => ModelPrefixes.StripAny(modelId, ModelPrefixes.ClaudeProxyAccepted) ?? modelId;
}
