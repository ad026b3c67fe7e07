using Microsoft.Extensions.AI;

namespace LlmConnectors;

/// <summary>One entry of the routing table of a <see cref="ModelRoutingChatClient"/>: model ids starting with <see cref="Prefix"/> go to <see cref="Client"/>.</summary>
public sealed class ModelRoute
{
    /// <summary>Initializes a new instance of the <see cref="ModelRoute"/> class.</summary>
    /// <param name="prefix">The model-id prefix, for example <c>max/</c> or <c>openrouter/</c>; matched without regard to case.</param>
    /// <param name="client">The client that serves the matching model ids.</param>
    /// <exception cref="ArgumentNullException"><paramref name="prefix"/> or <paramref name="client"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="prefix"/> is empty or white space.</exception>
    public ModelRoute(string prefix, IChatClient client)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);
        ArgumentNullException.ThrowIfNull(client);
        Prefix = prefix;
        Client = client;
    }

    /// <summary>Gets the model-id prefix this route matches, without regard to case.</summary>
    public string Prefix { get; }

    /// <summary>Gets the client that serves the matching model ids.</summary>
    public IChatClient Client { get; }

    /// <summary>
    /// Gets a value indicating whether the prefix is removed from the model id before <see cref="Client"/> is called
    /// (<c>openrouter/openai/gpt-4o</c> becomes <c>openai/gpt-4o</c>). Default: <see langword="true"/>. A model id that is only the
    /// prefix becomes <see langword="null"/>: the client's default model.
    /// </summary>
    public bool StripPrefix { get; init; } = true;

    /// <summary>Gets a name for diagnostics (for example the leaf client name <c>claude-cli</c>); optional.</summary>
    public string? Name { get; init; }
}
