using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmConnectors;

/// <summary>Adds <see cref="MultimodalPreprocessingChatClient"/> to a <see cref="ChatPipelineBuilder"/>.</summary>
public static class MultimodalPreprocessingChatClientBuilderExtensions
{
    /// <summary>
    /// Adds a <see cref="MultimodalPreprocessingChatClient"/>: image paths, <c>file://</c> and <c>data:</c> URIs (and http(s) URLs when
    /// allowed) become data the inner client sends.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the client's properties (for example <see cref="MultimodalPreprocessingChatClient.AllowedRoot"/>) right after it is created.</param>
    /// <returns>The builder.</returns>
    /// <remarks>The logger comes from the <see cref="ILoggerFactory"/> of the services passed to <see cref="ChatPipelineBuilder.Build"/>, when there is one.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static ChatPipelineBuilder UseMultimodalPreprocessing(this ChatPipelineBuilder builder, Action<MultimodalPreprocessingChatClient>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((innerClient, services) =>
        {
            var logger = services.GetService<ILoggerFactory>()?.CreateLogger<MultimodalPreprocessingChatClient>();
            var client = new MultimodalPreprocessingChatClient(innerClient, logger);
            configure?.Invoke(client);
            return client;
        });
    }
}
