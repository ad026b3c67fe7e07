using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmConnectors;

/// <summary>Adds a <see cref="FailoverChatClient"/> to a <see cref="ChatPipelineBuilder"/>.</summary>
public static class FailoverChatClientBuilderExtensions
{
    /// <summary>
    /// Adds a <see cref="FailoverChatClient"/> whose first client is the client built so far; add the fallbacks in <paramref name="configure"/>.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Adds fallbacks (<see cref="FailoverChatClient.AddFallback"/>) and changes settings right after creation.</param>
    /// <returns>The builder.</returns>
    /// <remarks>The logger comes from the <see cref="ILoggerFactory"/> of the services passed to <see cref="ChatPipelineBuilder.Build"/>, when there is one.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static ChatPipelineBuilder UseFailover(this ChatPipelineBuilder builder, Action<FailoverChatClient>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((innerClient, services) =>
        {
            var client = new FailoverChatClient(innerClient, services.GetService<ILoggerFactory>()?.CreateLogger<FailoverChatClient>());
            configure?.Invoke(client);
            return client;
        });
    }
}
