namespace LlmConnectors;

/// <summary>
/// What <see cref="MultimodalPreprocessingChatClient"/> does when the target model cannot take the images (or PDF files) of a request.
/// </summary>
public enum UnsupportedImagePolicy
{
    /// <summary>Fail the request with a <see cref="MultimodalPreprocessingException"/> naming the model (the default).</summary>
    Fail = 0,

    /// <summary>Replace every image with a short text placeholder (<see cref="MultimodalPreprocessingChatClient.PlaceholderText"/>) and send the rest.</summary>
    ReplaceWithPlaceholder,

    /// <summary>
    /// Send the request to <see cref="MultimodalPreprocessingChatClient.FallbackClient"/> and/or with
    /// <see cref="MultimodalPreprocessingChatClient.FallbackModelId"/>, images included.
    /// </summary>
    Route,
}
