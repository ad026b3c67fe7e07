using Microsoft.Extensions.AI;

namespace LlmConnectors;

/// <summary>Adds a <see cref="ModelRoutingChatClient"/> to Microsoft.Extensions.AI's <see cref="ChatClientBuilder"/>.</summary>
public static class ModelRoutingChatClientBuilderExtensions
{
    /// <summary>
    /// Adds a <see cref="ModelRoutingChatClient"/> whose <see cref="ModelRoutingChatClient.DefaultClient"/> is the client built so far
    /// (the rest of the pipeline); add the routes in <paramref name="configure"/>.
    /// </summary>
    /// <param name="builder">The <see cref="ChatClientBuilder"/>.</param>
    /// <param name="configure">Adds routes (<see cref="ModelRoutingChatClient.AddRoute"/>) and changes the default client right after creation.</param>
    /// <returns>The <paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static ChatClientBuilder UseModelRouting(this ChatClientBuilder builder, Action<ModelRoutingChatClient>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use(innerClient =>
        {
            var client = new ModelRoutingChatClient(innerClient);
            configure?.Invoke(client);
            return client;
        });
    }
}
