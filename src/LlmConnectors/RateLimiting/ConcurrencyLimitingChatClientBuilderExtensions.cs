using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmConnectors;

/// <summary>Adds <see cref="ConcurrencyLimitingChatClient"/> to a Microsoft.Extensions.AI <see cref="ChatClientBuilder"/>.</summary>
public static class ConcurrencyLimitingChatClientBuilderExtensions
{
    /// <summary>
    /// Adds a request queue: at most <see cref="ChatRequestLimitOptions.MaxConcurrentRequests"/> requests at once, the others waiting
    /// first in, first out, and optional per-minute limits on requests and prompt tokens.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="options">The limits; the defaults (4 at once, 64 waiting) when <see langword="null"/>.</param>
    /// <param name="loggerFactory">Where to log; taken from the services when <see langword="null"/>.</param>
    /// <param name="configure">Called with the client right after it is created, or <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <example>
    /// <code>
    /// services.AddKeyedChatClient("openai", sp => leaf)
    ///     .UseConcurrencyLimit(new ChatRequestLimitOptions { MaxConcurrentRequests = 2, QueueLimit = 10, RequestsPerMinute = 60 });
    /// </code>
    /// </example>
    public static ChatClientBuilder UseConcurrencyLimit(
        this ChatClientBuilder builder, ChatRequestLimitOptions? options = null, ILoggerFactory? loggerFactory = null, Action<ConcurrencyLimitingChatClient>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((innerClient, services) =>
        {
            loggerFactory ??= services.GetService<ILoggerFactory>();
            var client = new ConcurrencyLimitingChatClient(innerClient, options, loggerFactory?.CreateLogger<ConcurrencyLimitingChatClient>());
            configure?.Invoke(client);
            return client;
        });
    }

    /// <summary>Adds a request queue with the given number of concurrent requests and waiting places.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="maxConcurrentRequests">How many requests run at once.</param>
    /// <param name="queueLimit">How many requests may wait, first in, first out.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static ChatClientBuilder UseConcurrencyLimit(this ChatClientBuilder builder, int maxConcurrentRequests, int queueLimit = 64) =>
        builder.UseConcurrencyLimit(new ChatRequestLimitOptions { MaxConcurrentRequests = maxConcurrentRequests, QueueLimit = queueLimit });
}
