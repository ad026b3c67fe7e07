namespace LlmConnectors;

/// <summary>The <c>Multimodal</c> section of <see cref="ChatPipelineOptions"/>: the settings of <see cref="MultimodalPreprocessingChatClient"/>.</summary>
public sealed class MultimodalPipelineOptions
{
    /// <summary>Gets or sets a value indicating whether the middleware is in the pipeline. Default: <see langword="true"/> when the section exists.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets or sets <see cref="MultimodalPreprocessingChatClient.AllowedRoot"/>; it must be an existing directory. Default: none (local paths rejected).</summary>
    public string? AllowedRoot { get; set; }

    /// <summary>Gets or sets <see cref="MultimodalPreprocessingChatClient.AllowRemoteFetch"/>. Default: <see langword="false"/>.</summary>
    public bool AllowRemoteFetch { get; set; }

    /// <summary>Gets or sets <see cref="MultimodalPreprocessingChatClient.AllowPrivateNetworkFetch"/>. Default: <see langword="false"/>.</summary>
    public bool AllowPrivateNetworkFetch { get; set; }

    /// <summary>Gets the hosts of <see cref="MultimodalPreprocessingChatClient.AllowedRemoteHosts"/>. Default: empty (any host).</summary>
    public IList<string> AllowedRemoteHosts { get; } = [];

    /// <summary>Gets or sets <see cref="MultimodalPreprocessingChatClient.RemoteFetchTimeout"/>. Default: 10 seconds.</summary>
    public TimeSpan RemoteFetchTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets <see cref="MultimodalPreprocessingChatClient.MaxImageBytes"/>. Default: 20 MiB.</summary>
    public long MaxImageBytes { get; set; } = MultimodalPreprocessingChatClient.DefaultMaxImageBytes;

    /// <summary>Gets or sets <see cref="MultimodalPreprocessingChatClient.MaxTotalBytes"/>. Default: 50 MiB.</summary>
    public long MaxTotalBytes { get; set; } = MultimodalPreprocessingChatClient.DefaultMaxTotalBytes;

    /// <summary>Gets or sets <see cref="MultimodalPreprocessingChatClient.MaxImageDimension"/> (needs an <see cref="IImageResizer"/> service). Default: none.</summary>
    public int? MaxImageDimension { get; set; }

    /// <summary>Gets or sets <see cref="MultimodalPreprocessingChatClient.UnsupportedImagePolicy"/>. Default: <see cref="UnsupportedImagePolicy.Fail"/>.</summary>
    public UnsupportedImagePolicy UnsupportedImagePolicy { get; set; }

    /// <summary>Gets or sets <see cref="MultimodalPreprocessingChatClient.PlaceholderText"/>. Default: <see cref="MultimodalPreprocessingChatClient.DefaultPlaceholderText"/>.</summary>
    public string? PlaceholderText { get; set; }

    /// <summary>Gets or sets the name of the leaf client used as <see cref="MultimodalPreprocessingChatClient.FallbackClient"/>. Default: none (the rest of the pipeline).</summary>
    public string? FallbackClient { get; set; }

    /// <summary>Gets or sets <see cref="MultimodalPreprocessingChatClient.FallbackModelId"/> (it goes through routing when routing is configured). Default: none.</summary>
    public string? FallbackModelId { get; set; }
}
