using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmConnectors;

/// <summary>Adds <see cref="RetryWithValidationChatClient"/> to a <see cref="ChatPipelineBuilder"/>.</summary>
public static class RetryWithValidationChatClientBuilderExtensions
{
    /// <summary>Adds retry with validation to the pipeline.</summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <param name="validators">The validators every answer must pass, in order.</param>
    /// <param name="configure">Sets the middleware's properties right after it is created.</param>
    /// <param name="loggerFactory">The logger factory; taken from the service provider when <see langword="null"/>.</param>
    /// <returns>The <paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <remarks>Call it before <c>UseJsonEnforcement</c> (so that it is outside) for JSON failures to be asked again.</remarks>
    public static ChatPipelineBuilder UseRetryWithValidation(
        this ChatPipelineBuilder builder,
        IEnumerable<IChatResponseValidator>? validators = null,
        Action<RetryWithValidationChatClient>? configure = null,
        ILoggerFactory? loggerFactory = null)
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

    /// <summary>Adds retry with validation to the pipeline, configured only through <paramref name="configure"/>.</summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <param name="configure">Sets the middleware's properties (and adds its <see cref="RetryWithValidationChatClient.Validators"/>) right after it is created.</param>
    /// <returns>The <paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    public static ChatPipelineBuilder UseRetryWithValidation(this ChatPipelineBuilder builder, Action<RetryWithValidationChatClient> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return builder.UseRetryWithValidation(validators: null, configure: configure);
    }
}
