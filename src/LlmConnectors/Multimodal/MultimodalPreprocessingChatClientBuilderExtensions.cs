using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmConnectors;

/// <summary>Adds <see cref="MultimodalPreprocessingChatClient"/> to Microsoft.Extensions.AI's <see cref="ChatClientBuilder"/>.</summary>
public static class MultimodalPreprocessingChatClientBuilderExtensions
{
    /// <summary>
    /// Adds a <see cref="MultimodalPreprocessingChatClient"/>: image paths, <c>file://</c> and <c>data:</c> URIs (and http(s) URLs when
    /// allowed) become data the inner client sends.
    /// </summary>
    /// <param name="builder">The <see cref="ChatClientBuilder"/>.</param>
    /// <param name="loggerFactory">The logger factory; taken from the service provider when <see langword="null"/>.</param>
    /// <param name="configure">Sets the client's properties (for example <see cref="MultimodalPreprocessingChatClient.AllowedRoot"/>) right after it is created.</param>
    /// <returns>The <paramref name="builder"/>.</returns>
    /// <remarks>An <see cref="IImageResizer"/> service, when the service provider has one, becomes <see cref="MultimodalPreprocessingChatClient.ImageResizer"/>.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static ChatClientBuilder UseMultimodalPreprocessing(
        this ChatClientBuilder builder, ILoggerFactory? loggerFactory = null, Action<MultimodalPreprocessingChatClient>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((innerClient, services) =>
        {
            loggerFactory ??= services.GetService<ILoggerFactory>();
            var client = new MultimodalPreprocessingChatClient(innerClient, loggerFactory?.CreateLogger(typeof(MultimodalPreprocessingChatClient)))
            {
                ImageResizer = services.GetService<IImageResizer>(),
            };
            configure?.Invoke(client);
            return client;
        });
    }
}
