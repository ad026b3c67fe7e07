using Anthropic;
using Microsoft.Extensions.AI;

namespace LlmConnectors;

/// <summary>
/// The <c>anthropic</c> leaf: the official <c>Anthropic</c> SDK's own <see cref="IChatClient"/> (<c>AsIChatClient</c>), with what the
/// pack's middlewares need around it: failures as <see cref="LlmConnectorException"/> (by status and the Messages API's error type),
/// model capabilities, one transport-retry policy (the SDK's <c>MaxRetries</c>, from <see cref="AnthropicConnectorOptions.Retry"/>),
/// and settings validated up front. Disposing the leaf disposes the SDK client (and the <c>HttpClient</c> the SDK made; one passed in
/// <see cref="AnthropicConnectorOptions.HttpClient"/> stays the caller's).
/// </summary>
/// <remarks>
/// Streaming, tools, images, PDFs, JSON schema (structured outputs) and extended thinking (<c>ChatOptions.Reasoning</c>) are the
/// SDK's. <see cref="ConnectorLeafChatClient.GetService"/> answers <see cref="ChatClientMetadata"/> (provider <c>anthropic</c>, from the
/// SDK), <see cref="AnthropicConnectorOptions"/>, <see cref="IModelCapabilityProvider"/> and the SDK's <c>IAnthropicClient</c>.
/// </remarks>
public sealed class AnthropicConnectorChatClient : ConnectorLeafChatClient
{
    /// <summary>The provider name in <see cref="ChatClientMetadata.ProviderName"/> and <see cref="LlmConnectorException.Provider"/>.</summary>
    public const string ProviderName = "anthropic";

    /// <summary>Initializes a new instance of the <see cref="AnthropicConnectorChatClient"/> class.</summary>
    /// <param name="options">The settings: at least an API key (or <c>ANTHROPIC_API_KEY</c>).</param>
    /// <param name="sectionName">The configuration path of the settings, named in error messages.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A setting is missing or invalid; the message names it.</exception>
    public AnthropicConnectorChatClient(AnthropicConnectorOptions options, string sectionName = "Anthropic")
        : this(CreateInner(options, sectionName), options, sectionName)
    {
    }

    private AnthropicConnectorChatClient(RetryScopedClient inner, AnthropicConnectorOptions options, string sectionName)
        : base(
            inner,
            options,
            new KnownModelCapabilities(options.ModelId, KnownModelCapabilities.Anthropic),
            (exception, modelId) => AnthropicSdkErrors.Translate(exception, modelId ?? options.ModelId, sectionName))
    {
        Options = options;
        _sdk = inner.Sdk;
    }

    /// <summary>Gets the settings the client was created with.</summary>
    public AnthropicConnectorOptions Options { get; }

    private readonly IAnthropicClient _sdk;

    /// <inheritdoc/>
    private protected override async Task<IReadOnlyList<string>> ListModelsCoreAsync(CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        var page = await _sdk.Models.List(new Anthropic.Models.Models.ModelListParams(), cancellationToken).ConfigureAwait(false);
        while (true)
        {
            ids.AddRange(page.Items.Select(m => m.ID));
            if (!page.HasNext())
            {
                return ids;
            }

            page = await page.Next(cancellationToken).ConfigureAwait(false);
        }
    }

    private static RetryScopedClient CreateInner(AnthropicConnectorOptions options, string sectionName)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate(sectionName);
        if (errors.Count > 0)
        {
            throw new ArgumentException("The Anthropic settings are not valid: " + string.Join(" ", errors), nameof(options));
        }

        // Every setting is given explicitly, so the SDK reads none of ANTHROPIC_BASE_URL / ANTHROPIC_AUTH_TOKEN behind the caller's back.
        var clientOptions = new Anthropic.Core.ClientOptions
        {
            ApiKey = options.ResolveApiKey(),
            AuthToken = null,
            BaseUrl = options.Endpoint.ToString().TrimEnd('/'),
            MaxRetries = options.Retry.Enabled ? options.Retry.MaxRetryAttempts : 0,
            Timeout = options.Timeout,
        };
        if (options.HttpClient is { } httpClient)
        {
            clientOptions.HttpClient = httpClient;
        }

        var client = new AnthropicClient(clientOptions);

        // The SDK's retries are per client: a twin with MaxRetries = 0 (same HttpClient) serves the attempts a failover will hand over
        // from (FailoverAttemptScope), so the failover is not held up by the SDK's backoff or a long Retry-After.
        var singleTry = client.WithOptions(o => o with { MaxRetries = 0 });
        return new RetryScopedClient(
            client,
            client.AsIChatClient(options.ModelId, options.DefaultMaxOutputTokens),
            singleTry.AsIChatClient(options.ModelId, options.DefaultMaxOutputTokens),
            options.HttpClient is null ? client : null);
    }

    /// <summary>The SDK's chat client with its retries, or its single-try twin inside a <see cref="FailoverAttemptScope"/>; owns the SDK client.</summary>
    private sealed class RetryScopedClient(IAnthropicClient sdk, IChatClient withRetries, IChatClient singleTry, IDisposable? owned) : IChatClient
    {
        public IAnthropicClient Sdk => sdk;

        private IChatClient Current => FailoverAttemptScope.SuppressesRetries ? singleTry : withRetries;

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            Current.GetResponseAsync(messages, options, cancellationToken);

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            Current.GetStreamingResponseAsync(messages, options, cancellationToken);

        public object? GetService(Type serviceType, object? serviceKey = null) => withRetries.GetService(serviceType, serviceKey);

        public void Dispose()
        {
            withRetries.Dispose();
            singleTry.Dispose();
            owned?.Dispose();
        }
    }
}
