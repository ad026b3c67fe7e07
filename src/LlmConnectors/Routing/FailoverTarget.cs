using Microsoft.Extensions.AI;

namespace LlmConnectors;

/// <summary>One fallback of a <see cref="LlmFailoverChatClient"/>: a client and, optionally, the model id it is asked for.</summary>
public sealed class FailoverTarget
{
    /// <summary>Initializes a new instance of the <see cref="FailoverTarget"/> class.</summary>
    /// <param name="client">The client to try.</param>
    /// <param name="modelId">The model id to ask it for; the request's own model id when <see langword="null"/>.</param>
    /// <param name="name">The name recorded in the response and in failures; the client's provider name, else <c>fallback-N</c>, when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="client"/> is <see langword="null"/>.</exception>
    public FailoverTarget(IChatClient client, string? modelId = null, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        Client = client;
        ModelId = modelId;
        Name = name;
    }

    /// <summary>Gets the client to try.</summary>
    public IChatClient Client { get; }

    /// <summary>Gets the model id the client is asked for; the request's own model id when <see langword="null"/>.</summary>
    public string? ModelId { get; }

    /// <summary>Gets the name recorded in the response and in failures.</summary>
    public string? Name { get; }
}
