using System.Net;

namespace LlmConnectors;

/// <summary>
/// The exception <see cref="MultimodalPreprocessingChatClient"/> throws when an image reference cannot be turned into content the
/// model accepts: a path outside the allowed root, an unknown format, an image over the size limits, a failed download, or a
/// model that does not take images.
/// </summary>
/// <remarks>No provider was called when this exception is thrown; <see cref="LlmConnectorException.Provider"/> is <see langword="null"/>.</remarks>
public sealed class MultimodalPreprocessingException : LlmConnectorException
{
    /// <summary>Initializes a new instance of the <see cref="MultimodalPreprocessingException"/> class.</summary>
    public MultimodalPreprocessingException()
        : this("An image of the request could not be prepared for the model.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="MultimodalPreprocessingException"/> class.</summary>
    /// <param name="message">What failed and what to do about it.</param>
    public MultimodalPreprocessingException(string message)
        : base(message, LlmErrorKind.InvalidRequest, provider: null)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="MultimodalPreprocessingException"/> class.</summary>
    /// <param name="message">What failed and what to do about it.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public MultimodalPreprocessingException(string message, Exception? innerException)
        : base(message, LlmErrorKind.InvalidRequest, provider: null, statusCode: null, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="MultimodalPreprocessingException"/> class.</summary>
    /// <param name="message">What failed and what to do about it.</param>
    /// <param name="kind">The classification of the failure.</param>
    /// <param name="statusCode">The HTTP status of a failed image download, if any.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public MultimodalPreprocessingException(string message, LlmErrorKind kind, HttpStatusCode? statusCode = null, Exception? innerException = null)
        : base(message, kind, provider: null, statusCode, innerException)
    {
    }

    /// <summary>
    /// Gets the image reference that failed, as the caller gave it (a path, or a URL without its query string and user info);
    /// <see langword="null"/> when the failure concerns the whole request.
    /// </summary>
    public string? ImageReference { get; init; }
}
