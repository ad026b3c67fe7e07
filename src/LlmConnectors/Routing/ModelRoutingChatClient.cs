#pragma warning disable MEAI001 // RoutingChatClient is marked experimental by Microsoft.Extensions.AI.Abstractions; see the remarks.

using Microsoft.Extensions.AI;

namespace LlmConnectors;

/// <summary>
/// Routes each request to a client chosen by the prefix of its model id (<c>max/sonnet</c> to the Claude CLI, <c>openrouter/openai/gpt-4o</c>
/// to OpenRouter, ...) from a configurable table, removing the prefix before the call unless the route says otherwise.
/// </summary>
/// <remarks>
/// <para>
/// Built on <see cref="RoutingChatClient"/> from Microsoft.Extensions.AI.Abstractions (marked experimental there, MEAI001; the pack
/// suppresses the diagnostic and callers do not see it): the base class clones the caller's <see cref="ChatOptions"/> before
/// selection, so removing the prefix never changes the caller's options.
/// </para>
/// <para>
/// The longest matching prefix wins. A model id no route matches (or no model id at all) goes to <see cref="DefaultClient"/>; without
/// one the request fails with an <see cref="LlmConnectorException"/> of kind <see cref="LlmErrorKind.InvalidRequest"/> listing the
/// known prefixes. <see cref="GetService"/> answers <see cref="IModelCapabilityProvider"/> with a provider that asks the route of the
/// model in question, <see cref="ChatClientMetadata"/> with its own (<see cref="ProviderName"/>), and forwards other service requests
/// to <see cref="DefaultClient"/>. The routed clients are not disposed by this client.
/// </para>
/// </remarks>
public sealed class ModelRoutingChatClient : RoutingChatClient
{
    private static readonly ChatClientMetadata Metadata = new(ProviderName);

    private readonly RoutingCapabilityProvider _capabilityProvider;

    /// <summary>The provider name of the <see cref="ChatClientMetadata"/> this client returns: a router has no single provider.</summary>
    public const string ProviderName = "llmconnectors-model-routing";

    /// <summary>Initializes a new instance of the <see cref="ModelRoutingChatClient"/> class.</summary>
    /// <param name="defaultClient">The client for model ids no route matches; <see langword="null"/> to reject them.</param>
    public ModelRoutingChatClient(IChatClient? defaultClient = null)
    {
        DefaultClient = defaultClient;
        _capabilityProvider = new RoutingCapabilityProvider(this);
    }

    /// <summary>Gets the routing table. Add entries with <see cref="AddRoute"/> or directly.</summary>
    public IList<ModelRoute> Routes { get; } = [];

    /// <summary>Gets or sets the client for model ids no route matches; <see langword="null"/> (no default) rejects them.</summary>
    public IChatClient? DefaultClient { get; set; }

    /// <summary>Adds a route.</summary>
    /// <param name="prefix">The model-id prefix, for example <c>max/</c>.</param>
    /// <param name="client">The client that serves the matching model ids.</param>
    /// <param name="stripPrefix">Whether the prefix is removed from the model id before the call. Default: <see langword="true"/>.</param>
    /// <returns>This client.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="prefix"/> or <paramref name="client"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="prefix"/> is empty or white space.</exception>
    public ModelRoutingChatClient AddRoute(string prefix, IChatClient client, bool stripPrefix = true)
    {
        Routes.Add(new ModelRoute(prefix, client) { StripPrefix = stripPrefix });
        return this;
    }

    /// <inheritdoc/>
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is null)
        {
            if (serviceType.IsInstanceOfType(this))
            {
                return this;
            }

            if (serviceType == typeof(IModelCapabilityProvider))
            {
                return _capabilityProvider;
            }

            if (serviceType == typeof(ChatClientMetadata))
            {
                return Metadata;
            }
        }

        return DefaultClient?.GetService(serviceType, serviceKey);
    }

    /// <inheritdoc/>
    /// <exception cref="LlmConnectorException">No route matches the model id and there is no default client (kind <see cref="LlmErrorKind.InvalidRequest"/>).</exception>
    protected override ValueTask<IChatClient> SelectClientAsync(RoutingContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var modelId = context.ChatOptions?.ModelId;
        var (client, routedModelId) = Resolve(modelId);
        if (client is null)
        {
            throw new LlmConnectorException(NoRouteMessage(modelId), LlmErrorKind.InvalidRequest, provider: null) { ModelId = modelId };
        }

        if (context.ChatOptions is { } options && !string.Equals(options.ModelId, routedModelId, StringComparison.Ordinal))
        {
            options.ModelId = routedModelId;
        }

        return new ValueTask<IChatClient>(client);
    }

    /// <summary>
    /// Tells where a request for <paramref name="modelId"/> would go, without sending it: the route with the longest matching prefix, or
    /// <see langword="null"/> when <see cref="DefaultClient"/> would serve it (or nothing would).
    /// </summary>
    /// <param name="modelId">The model id of a request.</param>
    /// <param name="routedModelId">The model id the chosen client would receive (the prefix removed when the route says so).</param>
    /// <returns>The route, or <see langword="null"/> for the default client.</returns>
    public ModelRoute? FindRoute(string? modelId, out string? routedModelId)
    {
        var best = ModelPrefixes.FindLongest(modelId, Routes, static r => r.Prefix);
        routedModelId = best is { StripPrefix: true } ? ModelPrefixes.Strip(modelId!, best.Prefix) : modelId;
        return best;
    }

    internal (IChatClient? Client, string? ModelId) Resolve(string? modelId)
    {
        var best = FindRoute(modelId, out var routedModelId);
        return (best?.Client ?? DefaultClient, routedModelId);
    }

    private string NoRouteMessage(string? modelId)
    {
        var known = Routes.Count == 0 ? "(none: the routing table is empty)" : string.Join(", ", Routes.Select(r => $"'{r.Prefix}'"));
        var what = modelId is null ? "The request names no model id" : $"The model id '{modelId}' starts with no known prefix";
        return $"{what}, and the {nameof(ModelRoutingChatClient)} has no default client. Known prefixes: {known}. " +
            $"Prefix the model id with one of them, add a route, or set {nameof(DefaultClient)} (Routing:DefaultClient in configuration).";
    }

    private sealed class RoutingCapabilityProvider(ModelRoutingChatClient owner) : IModelCapabilityProvider
    {
        public ValueTask<ModelCapabilities?> GetModelCapabilitiesAsync(string? modelId, CancellationToken cancellationToken = default)
        {
            var (client, routedModelId) = owner.Resolve(modelId);
            return client?.GetService(typeof(IModelCapabilityProvider)) is IModelCapabilityProvider provider
                ? provider.GetModelCapabilitiesAsync(routedModelId, cancellationToken)
                : ValueTask.FromResult<ModelCapabilities?>(null);
        }
    }
}
