using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmConnectors;

/// <summary>Adds <see cref="JsonEnforcingChatClient"/> to Microsoft.Extensions.AI's <see cref="ChatClientBuilder"/>.</summary>
public static class JsonEnforcingChatClientBuilderExtensions
{
    /// <summary>Adds JSON enforcement to the pipeline.</summary>
    /// <param name="builder">The <see cref="ChatClientBuilder"/>.</param>
    /// <param name="loggerFactory">The logger factory; taken from the service provider when <see langword="null"/>.</param>
    /// <param name="configure">Sets the middleware's properties right after it is created.</param>
    /// <returns>The <paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <remarks>Add <c>UseRetryWithValidation</c> before this call (so that it is outside) to ask the model again when the answer is not valid JSON.</remarks>
    public static ChatClientBuilder UseJsonEnforcement(
        this ChatClientBuilder builder, ILoggerFactory? loggerFactory = null, Action<JsonEnforcingChatClient>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((innerClient, services) =>
        {
            loggerFactory ??= services.GetService<ILoggerFactory>();
            var client = new JsonEnforcingChatClient(innerClient, loggerFactory?.CreateLogger(typeof(JsonEnforcingChatClient)));
            configure?.Invoke(client);
            return client;
        });
    }
}
