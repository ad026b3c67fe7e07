using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmConnectors;

/// <summary>Adds <see cref="RetryWithValidationChatClient"/> to Microsoft.Extensions.AI's <see cref="ChatClientBuilder"/>.</summary>
public static class RetryWithValidationChatClientBuilderExtensions
{
    /// <summary>Adds retry with validation to the pipeline.</summary>
    /// <param name="builder">The <see cref="ChatClientBuilder"/>.</param>
    /// <param name="validators">The validators every answer must pass, in order; more can be added in <paramref name="configure"/>.</param>
    /// <param name="loggerFactory">The logger factory; taken from the service provider when <see langword="null"/>.</param>
    /// <param name="configure">Sets the middleware's properties (and adds <see cref="RetryWithValidationChatClient.Validators"/>) right after it is created.</param>
    /// <returns>The <paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <remarks>Call it before <c>UseJsonEnforcement</c> (so that it is outside) for JSON failures to be asked again.</remarks>
    public static ChatClientBuilder UseRetryWithValidation(
        this ChatClientBuilder builder,
        IEnumerable<IChatResponseValidator>? validators = null,
        ILoggerFactory? loggerFactory = null,
        Action<RetryWithValidationChatClient>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((innerClient, services) =>
        {
            loggerFactory ??= services.GetService<ILoggerFactory>();
            var client = new RetryWithValidationChatClient(innerClient, validators, loggerFactory?.CreateLogger(typeof(RetryWithValidationChatClient)));
            configure?.Invoke(client);
            return client;
        });
    }
}
