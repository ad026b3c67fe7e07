namespace LlmConnectors.Multimodal;

/// <summary>
/// The rules of one remote image download (<see cref="RemoteImageDownloader"/>), with the names of the settings behind them for error
/// messages. The multimodal middleware and the Claude proxy fill them from their own settings; the rules themselves are the same.
/// </summary>
internal sealed record RemoteImageRules
{
    /// <summary>The most redirects followed; each hop is checked again (scheme, host, address).</summary>
    public const int MaxRedirects = 5;

    /// <summary>Gets the largest image, in bytes: checked against <c>Content-Length</c> before reading and while reading.</summary>
    public required long MaxBytes { get; init; }

    /// <summary>Gets how long the whole download may take, redirects included.</summary>
    public required TimeSpan Timeout { get; init; }

    /// <summary>Gets the host names images may come from (<c>.example.com</c> allows subdomains); empty allows every host.</summary>
    public IReadOnlyCollection<string> AllowedHosts { get; init; } = [];

    /// <summary>Gets a value indicating whether loopback, private, link-local and other non-public addresses may be contacted.</summary>
    public bool AllowPrivateNetworks { get; init; }

    /// <summary>Gets a value indicating whether PDFs (<c>application/pdf</c>) are accepted besides images.</summary>
    public bool AcceptPdf { get; init; }

    /// <summary>Gets the media types accepted after sniffing the bytes; <see langword="null"/> accepts every format <see cref="MediaTypeSniffer"/> knows.</summary>
    public IReadOnlyCollection<string>? AcceptedMediaTypes { get; init; }

    /// <summary>Gets the setting name of <see cref="MaxBytes"/>, for messages (for example <c>Multimodal:MaxImageBytes</c>).</summary>
    public required string MaxBytesSetting { get; init; }

    /// <summary>Gets the setting name of <see cref="Timeout"/>, for messages.</summary>
    public required string TimeoutSetting { get; init; }

    /// <summary>Gets the setting name of <see cref="AllowedHosts"/>, for messages.</summary>
    public required string AllowedHostsSetting { get; init; }

    /// <summary>Gets the setting name of <see cref="AllowPrivateNetworks"/>, for messages.</summary>
    public required string AllowPrivateNetworksSetting { get; init; }
}
