namespace LlmConnectors.Tests.Multimodal;

/// <summary>Minimal byte sequences that start like real files of each format, and a unique temp directory per test.</summary>
internal static class TestImages
{
    public static readonly byte[] Png = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R'];
    public static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 16, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0];
    public static readonly byte[] Gif = "GIF89a\x01\x00\x01\x00\x00\x00\x00"u8.ToArray();
    public static readonly byte[] WebP = "RIFF\x24\x00\x00\x00WEBPVP8 "u8.ToArray();
    public static readonly byte[] Bmp = "BM\x3A\x00\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00"u8.ToArray();
    public static readonly byte[] Pdf = "%PDF-1.7\n%\xE2\xE3"u8.ToArray();
    public static readonly byte[] Tiff = "II*\x00\x08\x00\x00\x00"u8.ToArray();
    public static readonly byte[] Avif = [0, 0, 0, 0x1C, .. "ftypavif0000"u8];
    public static readonly byte[] Text = "just some text, not an image"u8.ToArray();
}

/// <summary>A unique temporary directory, deleted on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "llmc-mm-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Write(string relativePath, byte[] content)
    {
        var full = System.IO.Path.Combine(Path, relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, content);
        return full;
    }

    public string Mkdir(string relativePath) => Directory.CreateDirectory(System.IO.Path.Combine(Path, relativePath)).FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
