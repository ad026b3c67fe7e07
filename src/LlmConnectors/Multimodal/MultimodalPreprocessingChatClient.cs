using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using LlmConnectors.Multimodal;
using LlmConnectors.Pipeline;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlmConnectors;

/// <summary>
/// A delegating chat client that turns image references in the request into <see cref="DataContent"/> the inner client can send:
/// local files (only under <see cref="AllowedRoot"/>), <c>file://</c> URIs, relative paths, <c>data:</c> URIs and, when
/// <see cref="AllowRemoteFetch"/> is on, <c>http(s)</c> URLs. The media type comes from the bytes, never from the file name.
/// When the target model cannot take images, <see cref="UnsupportedImagePolicy"/> decides what happens.
/// </summary>
/// <remarks>
/// <para>How references arrive (in any message, in any position):</para>
/// <list type="bullet">
/// <item><description><see cref="UriContent"/> with a <c>file://</c> URI, or with a relative <see cref="Uri"/> (<see cref="UriKind.Relative"/>), which is taken relative to <see cref="AllowedRoot"/>.</description></item>
/// <item><description><see cref="UriContent"/> with a <c>data:</c> URI.</description></item>
/// <item><description>(For the two kinds above, the <see cref="UriContent.MediaType"/> must be <c>image/*</c> (any image type, <c>image/*</c> included), <c>application/pdf</c> or <c>application/octet-stream</c>; other media types are left alone.)</description></item>
/// <item><description><see cref="UriContent"/> with an <c>http</c>/<c>https</c> URL and an <c>image/*</c>, <c>application/pdf</c> or <c>application/octet-stream</c> media type: downloaded when <see cref="AllowRemoteFetch"/> is on, otherwise passed through unchanged for the provider to fetch.</description></item>
/// <item><description><see cref="DataContent"/> with an <c>image/*</c>, <c>application/pdf</c> or <c>application/octet-stream</c> media type: sniffed (the media type is corrected from the bytes) and size-checked.</description></item>
/// </list>
/// <para>The caller's messages and options are never changed: messages holding images are copied.</para>
/// </remarks>
public sealed partial class MultimodalPreprocessingChatClient : DelegatingChatClient
{
    /// <summary>The default of <see cref="MaxImageBytes"/>: 20 MiB.</summary>
    public const long DefaultMaxImageBytes = 20L * 1024 * 1024;

    /// <summary>The default of <see cref="MaxTotalBytes"/>: 50 MiB.</summary>
    public const long DefaultMaxTotalBytes = 50L * 1024 * 1024;

    /// <summary>The default of <see cref="PlaceholderText"/>.</summary>
    public const string DefaultPlaceholderText = "[An image was removed here because the model does not accept images.]";

    private readonly ILogger _logger;
    private readonly Lock _downloaderLock = new();
    private RemoteImageDownloader? _ownedDownloader;

    /// <summary>Initializes a new instance of the <see cref="MultimodalPreprocessingChatClient"/> class.</summary>
    /// <param name="innerClient">The client that receives the prepared request.</param>
    /// <param name="logger">The logger; none when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerClient"/> is <see langword="null"/>.</exception>
    public MultimodalPreprocessingChatClient(IChatClient innerClient, ILogger? logger = null)
        : base(innerClient)
    {
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>
    /// Gets or sets the directory local images may be read from (absolute, or relative to the current directory). Local paths and
    /// <c>file://</c> URIs are rejected while it is <see langword="null"/>, the default. Paths are resolved before the check:
    /// <c>..</c> segments, symbolic links anywhere on the path and look-alike prefixes cannot reach outside it.
    /// </summary>
    public string? AllowedRoot { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether <c>http</c>/<c>https</c> image URLs are downloaded and sent as data. Default:
    /// <see langword="false"/>: URLs are passed through unchanged, for providers that fetch them themselves.
    /// </summary>
    /// <remarks>
    /// Downloading URLs chosen by end users lets them make your server send requests; restrict <see cref="AllowedRemoteHosts"/>.
    /// The rules of a download (the same as the Claude proxy's): http(s) only, at most 5 redirects each checked again, no loopback,
    /// private or link-local address unless <see cref="AllowPrivateNetworkFetch"/>, an <c>image/*</c> or <c>application/pdf</c>
    /// <c>Content-Type</c> and bytes of a known format, <see cref="MaxImageBytes"/> enforced while reading, <see cref="RemoteFetchTimeout"/>.
    /// </remarks>
    public bool AllowRemoteFetch { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether downloads may contact loopback, private (10/8, 172.16/12, 192.168/16, fc00::/7),
    /// link-local (169.254/16, fe80::/10) and other non-public addresses. Default: <see langword="false"/>, so an end user's URL
    /// cannot reach services on this machine or its network (with the client's own <see cref="System.Net.Http.HttpClient"/>, the
    /// addresses a name resolves to are checked too).
    /// </summary>
    public bool AllowPrivateNetworkFetch { get; set; }

    /// <summary>
    /// Gets the host names images may be downloaded from when <see cref="AllowRemoteFetch"/> is on; an entry starting with a dot
    /// (<c>.example.com</c>) also allows every subdomain. Empty (the default) allows every host.
    /// </summary>
    public IList<string> AllowedRemoteHosts { get; } = [];

    /// <summary>Gets or sets how long one image download may take, redirects included. Default: 10 seconds.</summary>
    public TimeSpan RemoteFetchTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Gets or sets the <see cref="System.Net.Http.HttpClient"/> used for downloads. When <see langword="null"/> (the default), the
    /// client creates and owns one that follows at most 5 redirects, each checked against the rules of <see cref="AllowRemoteFetch"/>,
    /// and checks every address a host name resolves to. A client given here must not follow redirects itself; with it, only
    /// literal addresses and <c>localhost</c> in the URL are checked against <see cref="AllowPrivateNetworkFetch"/>.
    /// </summary>
    public HttpClient? HttpClient { get; set; }

    /// <summary>Gets or sets the largest size of one image or PDF, in bytes, read or passed on. Default: <see cref="DefaultMaxImageBytes"/> (20 MiB).</summary>
    public long MaxImageBytes { get; set; } = DefaultMaxImageBytes;

    /// <summary>Gets or sets the largest size of all images and PDFs of one request together, in bytes. Default: <see cref="DefaultMaxTotalBytes"/> (50 MiB).</summary>
    public long MaxTotalBytes { get; set; } = DefaultMaxTotalBytes;

    /// <summary>
    /// Gets or sets the largest width or height of an image, in pixels; larger images are scaled down by <see cref="ImageResizer"/>.
    /// Default: <see langword="null"/> (no downsizing). Setting it requires an <see cref="ImageResizer"/>.
    /// </summary>
    public int? MaxImageDimension { get; set; }

    /// <summary>Gets or sets the resizer used when <see cref="MaxImageDimension"/> is set. The pack ships none; see <see cref="IImageResizer"/>.</summary>
    public IImageResizer? ImageResizer { get; set; }

    /// <summary>Gets or sets what happens when the target model cannot take images. Default: <see cref="UnsupportedImagePolicy.Fail"/>.</summary>
    public UnsupportedImagePolicy UnsupportedImagePolicy { get; set; }

    /// <summary>Gets or sets the text that replaces each image under <see cref="UnsupportedImagePolicy.ReplaceWithPlaceholder"/>. Default: <see cref="DefaultPlaceholderText"/>.</summary>
    public string PlaceholderText { get; set; } = DefaultPlaceholderText;

    /// <summary>
    /// Gets or sets the client that receives requests with images under <see cref="UnsupportedImagePolicy.Route"/>; the inner client
    /// when <see langword="null"/> (then <see cref="FallbackModelId"/> must be set). It is not disposed by this client.
    /// </summary>
    public IChatClient? FallbackClient { get; set; }

    /// <summary>
    /// Gets or sets the model id used under <see cref="UnsupportedImagePolicy.Route"/>; the request's own model id when
    /// <see langword="null"/>.
    /// </summary>
    public string? FallbackModelId { get; set; }

    /// <inheritdoc/>
    /// <exception cref="MultimodalPreprocessingException">An image could not be prepared, or the model does not take images and the policy is <see cref="UnsupportedImagePolicy.Fail"/>.</exception>
    /// <exception cref="InvalidOperationException">The settings are inconsistent (for example <see cref="UnsupportedImagePolicy.Route"/> without a fallback).</exception>
    public override Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        // Pass-through: nothing to prepare, so the inner client's task is returned as it is, without a state machine.
        if (messages is IReadOnlyList<ChatMessage> list && !ContainsMediaReference(list))
        {
            try
            {
                return InnerClient.GetResponseAsync(list, options, cancellationToken);
            }
            catch (Exception ex)
            {
                return PassThroughTasks.FromException<ChatResponse>(ex);
            }
        }

        return GetPreparedResponseAsync(messages, options, cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="MultimodalPreprocessingException">An image could not be prepared, or the model does not take images and the policy is <see cref="UnsupportedImagePolicy.Fail"/>.</exception>
    /// <exception cref="InvalidOperationException">The settings are inconsistent (for example <see cref="UnsupportedImagePolicy.Route"/> without a fallback).</exception>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var prepared = await PrepareAsync(messages, options, cancellationToken).ConfigureAwait(false);
        await foreach (var update in prepared.Client.GetStreamingResponseAsync(prepared.Messages, prepared.Options, cancellationToken).ConfigureAwait(false))
        {
            yield return update;
        }
    }

    /// <inheritdoc/>
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : base.GetService(serviceType, serviceKey);
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _ownedDownloader?.Dispose();
        }

        base.Dispose(disposing);
    }

    private async Task<ChatResponse> GetPreparedResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var prepared = await PrepareAsync(messages, options, cancellationToken).ConfigureAwait(false);
        return await prepared.Client.GetResponseAsync(prepared.Messages, prepared.Options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Tells whether any message holds an image or PDF reference (indexed loops: no enumerator is allocated).</summary>
    private static bool ContainsMediaReference(IReadOnlyList<ChatMessage> messages)
    {
        for (var i = 0; i < messages.Count; i++)
        {
            var contents = messages[i].Contents;
            for (var j = 0; j < contents.Count; j++)
            {
                if (IsMediaReference(contents[j], out _))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool IsMediaType(string? mediaType, out bool isPdf)
    {
        isPdf = string.Equals(mediaType, "application/pdf", StringComparison.OrdinalIgnoreCase);
        return mediaType is not null && (isPdf
            || mediaType.StartsWith("image/", StringComparison.OrdinalIgnoreCase)
            || string.Equals(mediaType, "application/octet-stream", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Tells whether a content item is an image reference this client handles, and whether it declares itself a PDF.</summary>
    private static bool IsMediaReference(AIContent content, out bool isPdf)
    {
        switch (content)
        {
            case DataContent data:
                return IsMediaType(data.MediaType, out isPdf);
            case UriContent uri:
                return IsMediaType(uri.MediaType, out isPdf);
            default:
                isPdf = false;
                return false;
        }
    }

    private static string Describe(UriContent content)
    {
        var uri = content.Uri;
        if (!uri.IsAbsoluteUri)
        {
            return uri.OriginalString;
        }

        if (uri.Scheme == "data")
        {
            return "a data: URI";
        }

        if (uri.Scheme == "file")
        {
            return uri.LocalPath;
        }

        // No query string or user info: they may carry tokens.
        return uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);
    }

    private async ValueTask<Prepared> PrepareAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        var messageList = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        bool needsImages = false, needsFiles = false;
        foreach (var message in messageList)
        {
            foreach (var content in message.Contents)
            {
                if (IsMediaReference(content, out var isPdf))
                {
                    needsImages |= !isPdf;
                    needsFiles |= isPdf;
                }
            }
        }

        if (!needsImages && !needsFiles)
        {
            return new(InnerClient, messageList, options);
        }

        var target = InnerClient;
        var targetOptions = options;
        if (await GetUnsupportedModelAsync(options?.ModelId, needsImages, needsFiles, cancellationToken).ConfigureAwait(false) is { } unsupported)
        {
            switch (UnsupportedImagePolicy)
            {
                case UnsupportedImagePolicy.ReplaceWithPlaceholder:
                    Log.ImagesReplaced(_logger, unsupported);
                    return new(InnerClient, ReplaceWithPlaceholders(messageList), options);

                case UnsupportedImagePolicy.Route:
                    if (FallbackClient is null && string.IsNullOrEmpty(FallbackModelId))
                    {
                        throw new InvalidOperationException(
                            $"{nameof(UnsupportedImagePolicy)} is {nameof(UnsupportedImagePolicy.Route)} but neither {nameof(FallbackClient)} nor {nameof(FallbackModelId)} " +
                            $"is set on the {nameof(MultimodalPreprocessingChatClient)} (Multimodal:FallbackClient / Multimodal:FallbackModelId in configuration); set one of them.");
                    }

                    target = FallbackClient ?? InnerClient;
                    if (!string.IsNullOrEmpty(FallbackModelId))
                    {
                        targetOptions = options?.Clone() ?? new();
                        targetOptions.ModelId = FallbackModelId;
                    }

                    Log.RoutedToFallback(_logger, unsupported, FallbackModelId ?? unsupported);
                    break;

                default:
                    throw new MultimodalPreprocessingException(
                        $"The model '{unsupported}' does not accept {(needsImages ? "images" : "PDF files")}, and the request contains {(needsImages ? "images" : "PDF files")}. " +
                        $"Choose a model that does, or set {nameof(MultimodalPreprocessingChatClient)}.{nameof(UnsupportedImagePolicy)} " +
                        $"(Multimodal:UnsupportedImagePolicy in configuration) to {nameof(UnsupportedImagePolicy.ReplaceWithPlaceholder)} or {nameof(UnsupportedImagePolicy.Route)}.")
                    {
                        ModelId = unsupported,
                    };
            }
        }

        if (MaxImageDimension is not null && ImageResizer is null)
        {
            throw new InvalidOperationException(
                $"{nameof(MaxImageDimension)} is {MaxImageDimension} but no {nameof(ImageResizer)} is set on the {nameof(MultimodalPreprocessingChatClient)}. " +
                $"The pack bundles no imaging library: implement {nameof(IImageResizer)} over the one your application uses, or unset {nameof(MaxImageDimension)}.");
        }

        var state = new RequestState();
        var prepared = new List<ChatMessage>(messageList.Count);
        foreach (var message in messageList)
        {
            List<AIContent>? contents = null;
            for (var i = 0; i < message.Contents.Count; i++)
            {
                var content = message.Contents[i];
                var converted = IsMediaReference(content, out _) ? await ConvertAsync(content, state, cancellationToken).ConfigureAwait(false) : content;
                if (contents is null && !ReferenceEquals(converted, content))
                {
                    contents = new List<AIContent>(message.Contents.Count);
                    for (var j = 0; j < i; j++)
                    {
                        contents.Add(message.Contents[j]);
                    }
                }

                contents?.Add(converted);
            }

            prepared.Add(contents is null ? message : CloneWithContents(message, contents));
        }

        return new(target, prepared, targetOptions);
    }

    private async ValueTask<string?> GetUnsupportedModelAsync(string? modelId, bool needsImages, bool needsFiles, CancellationToken cancellationToken)
    {
        if (InnerClient.GetService(typeof(IModelCapabilityProvider)) is not IModelCapabilityProvider provider)
        {
            return null;
        }

        var capabilities = await provider.GetModelCapabilitiesAsync(modelId, cancellationToken).ConfigureAwait(false);
        if (capabilities is null || ((!needsImages || capabilities.SupportsImages) && (!needsFiles || capabilities.SupportsFiles)))
        {
            return null;
        }

        return modelId ?? capabilities.ModelId;
    }

    private static ChatMessage CloneWithContents(ChatMessage message, IList<AIContent> contents)
    {
        var clone = message.Clone();
        clone.Contents = contents;
        return clone;
    }

    private List<ChatMessage> ReplaceWithPlaceholders(IReadOnlyList<ChatMessage> messages)
    {
        var result = new List<ChatMessage>(messages.Count);
        foreach (var message in messages)
        {
            List<AIContent>? contents = null;
            foreach (var content in message.Contents)
            {
                if (IsMediaReference(content, out _))
                {
                    contents ??= [];
                    contents.Add(new TextContent(PlaceholderText));
                }
            }

            if (contents is null)
            {
                result.Add(message);
                continue;
            }

            contents.Clear();
            foreach (var content in message.Contents)
            {
                contents.Add(IsMediaReference(content, out _) ? new TextContent(PlaceholderText) : content);
            }

            result.Add(CloneWithContents(message, contents));
        }

        return result;
    }

    private async ValueTask<AIContent> ConvertAsync(AIContent content, RequestState state, CancellationToken cancellationToken)
    {
        switch (content)
        {
            case DataContent data:
                return await FinishAsync(data.Data, data.Name ?? "a DataContent", data, state, cancellationToken).ConfigureAwait(false);

            case UriContent uriContent:
                var uri = uriContent.Uri;
                var reference = Describe(uriContent);
                if (!uri.IsAbsoluteUri)
                {
                    var bytes = await ReadLocalAsync(uri.OriginalString, relative: true, reference, cancellationToken).ConfigureAwait(false);
                    return await FinishAsync(bytes, reference, uriContent, state, cancellationToken).ConfigureAwait(false);
                }

                switch (uri.Scheme)
                {
                    case "file":
                        if (!string.IsNullOrEmpty(uri.Host) && !string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase))
                        {
                            throw new MultimodalPreprocessingException(
                                $"The image URI 'file://{uri.Host}/...' names another host; only local files (file:///path) under {nameof(AllowedRoot)} can be read.")
                            {
                                ImageReference = reference,
                            };
                        }

                        var fileBytes = await ReadLocalAsync(uri.LocalPath, relative: false, reference, cancellationToken).ConfigureAwait(false);
                        return await FinishAsync(fileBytes, reference, uriContent, state, cancellationToken).ConfigureAwait(false);

                    case "data":
                        DataContent parsed;
                        try
                        {
                            parsed = new DataContent(uri.OriginalString);
                        }
                        catch (Exception e) when (e is ArgumentException or FormatException or UriFormatException)
                        {
                            throw new MultimodalPreprocessingException($"The data: URI of an image is malformed: {e.Message}", e) { ImageReference = reference };
                        }

                        return await FinishAsync(parsed.Data, reference, uriContent, state, cancellationToken).ConfigureAwait(false);

                    case "http" or "https":
                        if (!AllowRemoteFetch)
                        {
                            return uriContent;
                        }

                        var downloaded = await FetchAsync(uri, reference, cancellationToken).ConfigureAwait(false);
                        return await FinishAsync(downloaded, reference, uriContent, state, cancellationToken).ConfigureAwait(false);

                    default:
                        throw new MultimodalPreprocessingException(
                            $"The image URI scheme '{uri.Scheme}:' is not supported; use a file:// URI, a path relative to {nameof(AllowedRoot)}, a data: URI, an http(s) URL or a DataContent.")
                        {
                            ImageReference = reference,
                        };
                }

            default:
                return content;
        }
    }

    private async ValueTask<AIContent> FinishAsync(ReadOnlyMemory<byte> bytes, string reference, AIContent original, RequestState state, CancellationToken cancellationToken)
    {
        CheckImageSize(bytes.Length, reference);
        var mediaType = MediaTypeSniffer.Sniff(bytes.Span) ?? throw new MultimodalPreprocessingException(
            $"The image '{reference}' is not in a recognized format: its first bytes match none of {MediaTypeSniffer.KnownFormats} " +
            "(the media type is taken from the content, not from the file name or the declared type). Convert it to PNG or JPEG.")
        {
            ImageReference = reference,
        };

        DataContent result;
        if (original is DataContent data && string.Equals(data.MediaType, mediaType, StringComparison.OrdinalIgnoreCase))
        {
            result = data;
        }
        else
        {
            result = new DataContent(bytes, mediaType)
            {
                Name = (original as DataContent)?.Name ?? GetFileName(original),
                AdditionalProperties = original.AdditionalProperties,
            };
        }

        if (MaxImageDimension is { } maxDimension && ImageResizer is { } resizer && mediaType.StartsWith("image/", StringComparison.Ordinal))
        {
            var resized = await resizer.ResizeAsync(result, maxDimension, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"The {nameof(IImageResizer)} {resizer.GetType().Name} returned null for '{reference}'; it must return the image.");
            if (!ReferenceEquals(resized, result))
            {
                CheckImageSize(resized.Data.Length, reference);
                var resizedType = MediaTypeSniffer.Sniff(resized.Data.Span) ?? throw new MultimodalPreprocessingException(
                    $"The {nameof(IImageResizer)} {resizer.GetType().Name} returned '{reference}' in a format that is none of {MediaTypeSniffer.KnownFormats}.")
                {
                    ImageReference = reference,
                };
                result = string.Equals(resized.MediaType, resizedType, StringComparison.OrdinalIgnoreCase)
                    ? resized
                    : new DataContent(resized.Data, resizedType) { Name = resized.Name, AdditionalProperties = resized.AdditionalProperties };
            }
        }

        state.TotalBytes += result.Data.Length;
        if (state.TotalBytes > MaxTotalBytes)
        {
            throw new MultimodalPreprocessingException(
                $"The images of the request add up to more than {nameof(MaxTotalBytes)} ({MaxTotalBytes} bytes) at '{reference}'. " +
                $"Send fewer or smaller images, or raise {nameof(MaxTotalBytes)} (Multimodal:MaxTotalBytes in configuration).",
                LlmErrorKind.RequestTooLarge)
            {
                ImageReference = reference,
            };
        }

        return result;
    }

    private static string? GetFileName(AIContent original) =>
        original is UriContent { Uri: var uri } && (!uri.IsAbsoluteUri || uri.Scheme is "file" or "http" or "https")
            ? Path.GetFileName(uri.IsAbsoluteUri ? uri.LocalPath : uri.OriginalString) is { Length: > 0 } name ? name : null
            : null;

    private void CheckImageSize(long length, string reference)
    {
        if (length > MaxImageBytes)
        {
            throw new MultimodalPreprocessingException(
                $"The image '{reference}' is larger than {nameof(MaxImageBytes)} ({MaxImageBytes} bytes). " +
                $"Send a smaller image, or raise {nameof(MaxImageBytes)} (Multimodal:MaxImageBytes in configuration).",
                LlmErrorKind.RequestTooLarge)
            {
                ImageReference = reference,
            };
        }
    }

    private async ValueTask<ReadOnlyMemory<byte>> ReadLocalAsync(string path, bool relative, string reference, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(AllowedRoot))
        {
            throw new MultimodalPreprocessingException(
                $"The request refers to the local image '{reference}', but local image paths are disabled because no allowed root is configured. " +
                $"Set {nameof(MultimodalPreprocessingChatClient)}.{nameof(AllowedRoot)} (Multimodal:AllowedRoot in configuration) to the directory images may be read from, " +
                "or send the image as a DataContent.")
            {
                ImageReference = reference,
            };
        }

        string root, lexicalRoot;
        try
        {
            lexicalRoot = Path.TrimEndingDirectorySeparator(Path.GetFullPath(AllowedRoot));
            root = AllowedRootGuard.CanonicalizeRoot(AllowedRoot);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new MultimodalPreprocessingException(
                $"The allowed root '{AllowedRoot}' ({nameof(AllowedRoot)}, Multimodal:AllowedRoot in configuration) cannot be used: {e.Message} Create the directory or fix the setting.", e)
            {
                ImageReference = reference,
            };
        }

        string candidate, real;
        bool lexicallyInside;
        try
        {
            candidate = Path.GetFullPath(relative ? Path.Join(lexicalRoot, path) : path);
            lexicallyInside = AllowedRootGuard.IsUnder(candidate, lexicalRoot) || AllowedRootGuard.IsUnder(candidate, root);
            real = lexicallyInside ? AllowedRootGuard.ResolveRealPath(candidate) : candidate;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new MultimodalPreprocessingException($"The image path '{reference}' cannot be resolved: {e.Message}", e) { ImageReference = reference };
        }

        // First the path as written (defeats "..", absolute paths elsewhere and look-alike prefixes), then the path with every
        // symbolic link resolved (defeats links inside the root that point outside it).
        if (!lexicallyInside || !AllowedRootGuard.IsUnder(real, root))
        {
            throw OutsideRoot(reference, root, viaLink: lexicallyInside);
        }

        if (Directory.Exists(real) || !File.Exists(real))
        {
            throw new MultimodalPreprocessingException($"The image file '{reference}' does not exist under the allowed root '{root}', or is not a file.")
            {
                ImageReference = reference,
            };
        }

        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            // Only a regular file with one link, opened without blocking: a FIFO would block forever, a hard link can lead outside.
            using var handle = AllowedRootGuard.OpenRegularFile(real);
            if (AllowedRootGuard.GetOpenedFilePath(handle) is { } opened && !AllowedRootGuard.IsUnder(opened, root))
            {
                throw OutsideRoot(reference, root, viaLink: true);
            }

            var length = RandomAccess.GetLength(handle);
            CheckImageSize(length, reference);
            var buffer = new byte[length];
            var read = 0;
            while (read < buffer.Length)
            {
                var n = await RandomAccess.ReadAsync(handle, buffer.AsMemory(read), read, cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                read += n;
            }

            return buffer.AsMemory(0, read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MultimodalPreprocessingException($"The image file '{reference}' cannot be read: {e.Message}", e) { ImageReference = reference };
        }
    }

    private static MultimodalPreprocessingException OutsideRoot(string reference, string root, bool viaLink) => new(
        $"The image path '{reference}' {(viaLink ? "resolves, through a symbolic link, to a file" : "is")} outside the allowed root '{root}'. " +
        $"Only files under {nameof(AllowedRoot)} (Multimodal:AllowedRoot in configuration) are read: move the file there, or send the image as a DataContent.")
    {
        ImageReference = reference,
    };

    private async ValueTask<ReadOnlyMemory<byte>> FetchAsync(Uri uri, string reference, CancellationToken cancellationToken)
    {
        var rules = new RemoteImageRules
        {
            MaxBytes = MaxImageBytes,
            Timeout = RemoteFetchTimeout,
            AllowedHosts = [.. AllowedRemoteHosts],
            AllowPrivateNetworks = AllowPrivateNetworkFetch,
            AcceptPdf = true,
            MaxBytesSetting = $"{nameof(MaxImageBytes)} (Multimodal:MaxImageBytes in configuration)",
            TimeoutSetting = $"{nameof(RemoteFetchTimeout)} (Multimodal:RemoteFetchTimeout in configuration)",
            AllowedHostsSetting = $"{nameof(AllowedRemoteHosts)} (Multimodal:AllowedRemoteHosts in configuration)",
            AllowPrivateNetworksSetting = $"{nameof(AllowPrivateNetworkFetch)} (Multimodal:AllowPrivateNetworkFetch in configuration)",
        };
        if (HttpClient is { } given)
        {
            using var downloader = new RemoteImageDownloader(given);
            return (await downloader.DownloadAsync(uri, reference, rules, cancellationToken).ConfigureAwait(false)).Data;
        }

        RemoteImageDownloader owned;
        lock (_downloaderLock)
        {
            owned = _ownedDownloader ??= new RemoteImageDownloader();
        }

        return (await owned.DownloadAsync(uri, reference, rules, cancellationToken).ConfigureAwait(false)).Data;
    }

    private readonly record struct Prepared(IChatClient Client, IEnumerable<ChatMessage> Messages, ChatOptions? Options);

    private sealed class RequestState
    {
        public long TotalBytes { get; set; }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "The model {ModelId} does not accept images; images were replaced with placeholders.")]
        public static partial void ImagesReplaced(ILogger logger, string modelId);

        [LoggerMessage(2, LogLevel.Debug, "The model {ModelId} does not accept images; the request was routed to the fallback ({FallbackModelId}).")]
        public static partial void RoutedToFallback(ILogger logger, string modelId, string fallbackModelId);
    }
}
