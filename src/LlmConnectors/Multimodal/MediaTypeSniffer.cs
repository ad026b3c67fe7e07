namespace LlmConnectors.Multimodal;

/// <summary>Recognizes image and document formats from their leading bytes (magic numbers), never from a file name.</summary>
internal static class MediaTypeSniffer
{
    /// <summary>The formats recognized, for error messages.</summary>
    public const string KnownFormats = "PNG, JPEG, GIF, WebP, BMP, TIFF, AVIF, HEIC and PDF";

    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Returns the media type of the content, or <see langword="null"/> when the format is not recognized.</summary>
    /// <param name="data">The content.</param>
    /// <returns>A media type such as <c>image/png</c>, or <see langword="null"/>.</returns>
    public static string? Sniff(ReadOnlySpan<byte> data)
    {
        if (data.StartsWith(PngSignature))
        {
            return "image/png";
        }

        if (data.Length >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF)
        {
            return "image/jpeg";
        }

        if (data.StartsWith("GIF87a"u8) || data.StartsWith("GIF89a"u8))
        {
            return "image/gif";
        }

        if (data.Length >= 12 && data.StartsWith("RIFF"u8) && data.Slice(8, 4).SequenceEqual("WEBP"u8))
        {
            return "image/webp";
        }

        if (data.Length >= 14 && data.StartsWith("BM"u8))
        {
            return "image/bmp";
        }

        if (data.StartsWith("II*\0"u8) || data.StartsWith("MM\0*"u8))
        {
            return "image/tiff";
        }

        if (data.Length >= 12 && data.Slice(4, 4).SequenceEqual("ftyp"u8))
        {
            var brand = data.Slice(8, 4);
            if (brand.SequenceEqual("avif"u8) || brand.SequenceEqual("avis"u8))
            {
                return "image/avif";
            }

            if (brand.SequenceEqual("heic"u8) || brand.SequenceEqual("heix"u8) || brand.SequenceEqual("mif1"u8))
            {
                return "image/heic";
            }
        }

        if (data.StartsWith("%PDF-"u8))
        {
            return "application/pdf";
        }

        return null;
    }
}
