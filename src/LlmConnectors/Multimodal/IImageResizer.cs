using Microsoft.Extensions.AI;

namespace LlmConnectors;

/// <summary>
/// Shrinks images for <see cref="MultimodalPreprocessingChatClient"/>. The pack ships no implementation, because no imaging
/// library is part of its dependencies: implement it over the imaging library your application already uses
/// (ImageSharp, SkiaSharp, Magick.NET, ...).
/// </summary>
public interface IImageResizer
{
    /// <summary>Returns the image scaled down so that neither side exceeds <paramref name="maxDimension"/> pixels.</summary>
    /// <param name="image">The image, with its sniffed media type (<c>image/png</c>, <c>image/jpeg</c>, ...).</param>
    /// <param name="maxDimension">The largest width or height allowed, in pixels.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>
    /// The scaled image, or <paramref name="image"/> itself when it is already small enough. The result is sniffed and size-checked
    /// again, so it may use another encoding (for example JPEG instead of PNG).
    /// </returns>
    ValueTask<DataContent> ResizeAsync(DataContent image, int maxDimension, CancellationToken cancellationToken);
}
