using Microsoft.Extensions.AI;

namespace LlmConnectors;

/// <summary>Starts a <see cref="ChatPipelineBuilder"/> from a client.</summary>
public static class ChatPipelineBuilderChatClientExtensions
{
    /// <summary>Creates a <see cref="ChatPipelineBuilder"/> whose leaf is <paramref name="innerClient"/>.</summary>
    /// <param name="innerClient">The leaf client.</param>
    /// <returns>A new builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="innerClient"/> is <see langword="null"/>.</exception>
    public static ChatPipelineBuilder AsPipelineBuilder(this IChatClient innerClient) => new(innerClient);
}
