using Microsoft.Extensions.AI;

namespace LlmConnectors;

/// <summary>
/// Composes delegating middlewares around a leaf <see cref="IChatClient"/>, in the shape of
/// Microsoft.Extensions.AI's <c>ChatClientBuilder</c>: the first middleware added is the outermost.
/// </summary>
/// <remarks>
/// Every middleware of this pack is a public <see cref="DelegatingChatClient"/>, so it also drops into MEAI's own
/// <c>ChatClientBuilder.Use(inner =&gt; new X(inner, ...))</c> where that package is available.
/// </remarks>
public sealed class ChatPipelineBuilder
{
    private readonly Func<IServiceProvider, IChatClient> _innerClientFactory;
    private List<Func<IChatClient, IServiceProvider, IChatClient>>? _clientFactories;

    /// <summary>Initializes a new instance of the <see cref="ChatPipelineBuilder"/> class.</summary>
    /// <param name="innerClient">The leaf client the pipeline ends in.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerClient"/> is <see langword="null"/>.</exception>
    public ChatPipelineBuilder(IChatClient innerClient)
    {
        ArgumentNullException.ThrowIfNull(innerClient);
        _innerClientFactory = _ => innerClient;
    }

    /// <summary>Initializes a new instance of the <see cref="ChatPipelineBuilder"/> class.</summary>
    /// <param name="innerClientFactory">Creates the leaf client from the service provider passed to <see cref="Build"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerClientFactory"/> is <see langword="null"/>.</exception>
    public ChatPipelineBuilder(Func<IServiceProvider, IChatClient> innerClientFactory)
    {
        ArgumentNullException.ThrowIfNull(innerClientFactory);
        _innerClientFactory = innerClientFactory;
    }

    /// <summary>Adds a middleware; the first one added is the outermost.</summary>
    /// <param name="clientFactory">Wraps the client built so far.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="clientFactory"/> is <see langword="null"/>.</exception>
    public ChatPipelineBuilder Use(Func<IChatClient, IChatClient> clientFactory)
    {
        ArgumentNullException.ThrowIfNull(clientFactory);
        return Use((innerClient, _) => clientFactory(innerClient));
    }

    /// <summary>Adds a middleware that needs services; the first one added is the outermost.</summary>
    /// <param name="clientFactory">Wraps the client built so far, with the service provider passed to <see cref="Build"/>.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="clientFactory"/> is <see langword="null"/>.</exception>
    public ChatPipelineBuilder Use(Func<IChatClient, IServiceProvider, IChatClient> clientFactory)
    {
        ArgumentNullException.ThrowIfNull(clientFactory);
        (_clientFactories ??= []).Add(clientFactory);
        return this;
    }

    /// <summary>Builds the pipeline.</summary>
    /// <param name="services">The services middlewares may ask for (loggers, options); an empty provider when <see langword="null"/>.</param>
    /// <returns>The outermost client.</returns>
    /// <exception cref="InvalidOperationException">A factory returned <see langword="null"/>.</exception>
    public IChatClient Build(IServiceProvider? services = null)
    {
        services ??= EmptyServiceProvider.Instance;
        var chatClient = _innerClientFactory(services)
            ?? throw new InvalidOperationException("The inner client factory of the ChatPipelineBuilder returned null; it must return the leaf IChatClient.");

        if (_clientFactories is not null)
        {
            for (var i = _clientFactories.Count - 1; i >= 0; i--)
            {
                chatClient = _clientFactories[i](chatClient, services)
                    ?? throw new InvalidOperationException(
                        $"The middleware factory at position {i} of the ChatPipelineBuilder returned null; each Use(...) factory must return an IChatClient.");
            }
        }

        return chatClient;
    }

    private sealed class EmptyServiceProvider : IServiceProvider
    {
        public static EmptyServiceProvider Instance { get; } = new();

        public object? GetService(Type serviceType) => null;
    }
}
