using Microsoft.Extensions.AI;

namespace LlmConnectors;

/// <summary>
/// What the <c>openai</c>, <c>anthropic</c>, <c>gemini</c> and <c>vertex</c> leaves share around the client that does the wire work:
/// failures turned into <see cref="LlmConnectorException"/> (when the inner client is an official SDK's), and
/// <see cref="DelegatingChatClient.GetService"/> answering the leaf's options and its <see cref="IModelCapabilityProvider"/>;
/// <see cref="ChatClientMetadata"/> comes from the inner client.
/// </summary>
/// <remarks>Only the pack derives from this class.</remarks>
public abstract class ConnectorLeafChatClient : DelegatingChatClient
{
    private readonly object _options;
    private readonly IModelCapabilityProvider _capabilities;
    private readonly Func<Exception, string?, LlmConnectorException?>? _translate;

    /// <summary>Initializes a new instance of the <see cref="ConnectorLeafChatClient"/> class.</summary>
    /// <param name="innerClient">The client that does the wire work.</param>
    /// <param name="options">The leaf's options, answered by <see cref="GetService"/> for their own type.</param>
    /// <param name="capabilities">The leaf's model capabilities.</param>
    /// <param name="translate">Maps the inner client's exceptions (and the requested model) to the pack's; <see langword="null"/> when it throws the pack's already.</param>
    private protected ConnectorLeafChatClient(
        IChatClient innerClient, object options, IModelCapabilityProvider capabilities, Func<Exception, string?, LlmConnectorException?>? translate)
        : base(innerClient)
    {
        _options = options;
        _capabilities = capabilities;
        _translate = translate;
    }

    /// <inheritdoc/>
    /// <exception cref="LlmConnectorException">The provider failed (after the leaf's one retry policy).</exception>
    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        _translate is null
            ? base.GetResponseAsync(messages, options, cancellationToken)
            : SdkCallTranslation.GetResponseAsync(InnerClient, messages, options, _translate, cancellationToken);

    /// <inheritdoc/>
    /// <exception cref="LlmConnectorException">The provider failed, before the stream or in the middle of it (after the updates already yielded).</exception>
    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        _translate is null
            ? base.GetStreamingResponseAsync(messages, options, cancellationToken)
            : SdkCallTranslation.GetStreamingResponseAsync(InnerClient, messages, options, _translate, cancellationToken);

    /// <summary>Lists the ids of the models the provider offers (its <c>models</c> endpoint), for <c>llmc models</c> and diagnostics.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The model ids, as the provider spells them (without the routing prefix).</returns>
    /// <exception cref="LlmConnectorException">The provider failed or does not list its models; the message says which.</exception>
    public async Task<IReadOnlyList<string>> ListModelsAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await ListModelsCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not LlmConnectorException && _translate?.Invoke(e, null) is { } translated)
        {
            throw translated;
        }
    }

    /// <summary>Lists the model ids; by default through the pack's wire layer (<c>GET {endpoint}/models</c>).</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The model ids.</returns>
    private protected virtual async Task<IReadOnlyList<string>> ListModelsCoreAsync(CancellationToken cancellationToken)
    {
        if (InnerClient.GetService(typeof(OpenAICompatible.OpenAICompatibleChatClient)) is not OpenAICompatible.OpenAICompatibleChatClient core)
        {
            throw new NotSupportedException($"{GetType().Name} does not list models.");
        }

        var response = await core.GetModelsAsync(cancellationToken).ConfigureAwait(false);
        return [.. (response.Data ?? []).Select(m => m.Id).OfType<string>()];
    }

    /// <inheritdoc/>
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is null)
        {
            if (serviceType == _options.GetType())
            {
                return _options;
            }

            if (serviceType == typeof(IModelCapabilityProvider))
            {
                return _capabilities;
            }
        }

        return base.GetService(serviceType, serviceKey);
    }
}
