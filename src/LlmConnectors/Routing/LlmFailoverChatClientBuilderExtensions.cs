using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmConnectors;

/// <summary>Adds an <see cref="LlmFailoverChatClient"/> to Microsoft.Extensions.AI's <see cref="ChatClientBuilder"/>.</summary>
public static class LlmFailoverChatClientBuilderExtensions
{
    /// <summary>
    /// Adds an <see cref="LlmFailoverChatClient"/> whose first client is the client built so far; add the fallbacks in <paramref name="configure"/>.
    /// </summary>
    /// <param name="builder">The <see cref="ChatClientBuilder"/>.</param>
    /// <param name="loggerFactory">The logger factory; taken from the service provider when <see langword="null"/>.</param>
    /// <param name="configure">Adds fallbacks (<see cref="LlmFailoverChatClient.AddFallback"/>) and changes settings right after creation.</param>
    /// <returns>The <paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static ChatClientBuilder UseFailover(
        this ChatClientBuilder builder, ILoggerFactory? loggerFactory = null, Action<LlmFailoverChatClient>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((innerClient, services) =>
        {
            loggerFactory ??= services.GetService<ILoggerFactory>();
            var client = new LlmFailoverChatClient(innerClient, loggerFactory?.CreateLogger(typeof(LlmFailoverChatClient)));
            configure?.Invoke(client);
            return client;
        });
    }
}
