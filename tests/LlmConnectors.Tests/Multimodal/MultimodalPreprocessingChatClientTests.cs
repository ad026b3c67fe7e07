using System.Net;
using LlmConnectors.Tests.Routing;
using Microsoft.Extensions.AI;

namespace LlmConnectors.Tests.Multimodal;

public sealed class MultimodalPreprocessingChatClientTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly ScriptedChatClient _leaf = new("leaf");

    public void Dispose() => _temp.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private MultimodalPreprocessingChatClient Create(string? root = "root")
    {
        var client = new MultimodalPreprocessingChatClient(_leaf);
        if (root is not null)
        {
            client.AllowedRoot = _temp.Mkdir(root);
        }

        return client;
    }

    private static ChatMessage UserWith(AIContent content) => new(ChatRole.User, [new TextContent("describe"), content]);

    private DataContent SentImage(int call = 0) => Assert.IsType<DataContent>(_leaf.Calls[call].Messages[0].Contents[1]);

    [Fact]
    public void Constructor_NullInnerClient_Throws()
    {
        Assert.Throws<ArgumentNullException>("innerClient", () => new MultimodalPreprocessingChatClient(null!));
    }

    [Fact]
    public async Task GetResponseAsync_NullMessages_Throws()
    {
        using var client = Create();
        await Assert.ThrowsAsync<ArgumentNullException>("messages", () => client.GetResponseAsync((IEnumerable<ChatMessage>)null!, cancellationToken: Ct));
    }

    [Fact]
    public async Task GetResponseAsync_NoImages_PassesMessagesThrough()
    {
        using var client = Create();
        var messages = new List<ChatMessage> { new(ChatRole.User, "hello") };

        await client.GetResponseAsync(messages, cancellationToken: Ct);

        Assert.Same(messages[0], _leaf.Calls[0].Messages[0]);
    }

    [Fact]
    public async Task GetResponseAsync_NoAllowedRoot_RejectsLocalPathNamingTheSetting()
    {
        using var client = Create(root: null);
        var path = _temp.Write("a.png", TestImages.Png);

        var ex = await Assert.ThrowsAsync<MultimodalPreprocessingException>(
            () => client.GetResponseAsync([UserWith(new UriContent(new Uri(path), "image/png"))], cancellationToken: Ct));

        Assert.Contains("AllowedRoot", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Multimodal:AllowedRoot", ex.Message, StringComparison.Ordinal);
        Assert.Empty(_leaf.Calls);
    }

    [Fact]
    public async Task GetResponseAsync_RelativePathUnderRoot_SendsDataContentWithSniffedType()
    {
        using var client = Create();
        _temp.Write("root/cats/tabby.jpg", TestImages.Png);

        await client.GetResponseAsync([UserWith(new UriContent(new Uri("cats/tabby.jpg", UriKind.Relative), "image/jpeg"))], cancellationToken: Ct);

        var sent = SentImage();
        Assert.Equal("image/png", sent.MediaType);
        Assert.Equal(TestImages.Png, sent.Data.ToArray());
        Assert.Equal("tabby.jpg", sent.Name);
    }

    [Fact]
    public async Task GetResponseAsync_FileUriUnderRoot_SendsDataContent()
    {
        using var client = Create();
        var path = _temp.Write("root/a.gif", TestImages.Gif);

        await client.GetResponseAsync([UserWith(new UriContent(new Uri(path), "image/*"))], cancellationToken: Ct);

        Assert.Equal("image/gif", SentImage().MediaType);
    }

    [Fact]
    public async Task GetResponseAsync_RootItselfASymlink_StillReadsInside()
    {
        var real = _temp.Mkdir("real-root");
        _temp.Write("real-root/a.png", TestImages.Png);
        var link = Path.Combine(_temp.Path, "link-root");
        Directory.CreateSymbolicLink(link, real);
        using var client = new MultimodalPreprocessingChatClient(_leaf) { AllowedRoot = link };

        await client.GetResponseAsync([UserWith(new UriContent(new Uri(Path.Combine(link, "a.png")), "image/png"))], cancellationToken: Ct);

        Assert.Equal("image/png", SentImage().MediaType);
    }

    [Fact]
    public async Task GetResponseAsync_FifoInsideRoot_RefusedWithoutBlocking()
    {
        using var client = Create();
        var fifo = Path.Combine(_temp.Path, "root", "pipe.png");
        Run("mkfifo", fifo);

        // Before the fix the open itself blocked forever (no writer), past cancellation; the guard turns a hang into a failure.
        var call = client.GetResponseAsync([UserWith(new UriContent(new Uri(fifo), "image/png"))], cancellationToken: Ct);
        var ex = await Assert.ThrowsAsync<MultimodalPreprocessingException>(() => call.WaitAsync(TimeSpan.FromSeconds(60), Ct));

        Assert.Contains("not a regular file", ex.Message, StringComparison.Ordinal);
        Assert.Contains("FIFO", ex.Message, StringComparison.Ordinal);
        Assert.Empty(_leaf.Calls);
    }

    [Fact]
    public async Task GetResponseAsync_HardLinkInsideRootToFileOutside_Refused()
    {
        using var client = Create();
        var outside = _temp.Write("elsewhere/secret.png", TestImages.Png);
        var link = Path.Combine(_temp.Path, "root", "innocent.png");
        Run("ln", outside, link);

        var ex = await Assert.ThrowsAsync<MultimodalPreprocessingException>(
            () => client.GetResponseAsync([UserWith(new UriContent(new Uri(link), "image/png"))], cancellationToken: Ct));

        Assert.Contains("2 hard links", ex.Message, StringComparison.Ordinal);
        Assert.Empty(_leaf.Calls);
    }

    [Fact]
    public async Task GetResponseAsync_CancelledBeforeRead_HonoursCancellation()
    {
        using var client = Create();
        var path = _temp.Write("root/a.png", TestImages.Png);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => client.GetResponseAsync([UserWith(new UriContent(new Uri(path), "image/png"))], cancellationToken: cancelled.Token));
        Assert.Empty(_leaf.Calls);
    }

    private static void Run(string program, params string[] arguments)
    {
        var result = CliWrap.Cli.Wrap(program).WithArguments(arguments).WithValidation(CliWrap.CommandResultValidation.None)
            .ExecuteAsync(TestContext.Current.CancellationToken).GetAwaiter().GetResult();
        Assert.True(result.ExitCode == 0, $"'{program} {string.Join(' ', arguments)}' failed with exit code {result.ExitCode}; the test needs coreutils ({program}) on PATH.");
    }

    [Theory]
    [InlineData("../secret.png")]
    [InlineData("../../secret.png")]
    [InlineData("sub/../../secret.png")]
    [InlineData("./../root-evil/secret.png")]
    public async Task GetResponseAsync_DotDotEscape_Rejected(string relative)
    {
        using var client = Create();
        _temp.Mkdir("root/sub");
        _temp.Write("secret.png", TestImages.Png);
        _temp.Write("root-evil/secret.png", TestImages.Png);

        var ex = await Assert.ThrowsAsync<MultimodalPreprocessingException>(
            () => client.GetResponseAsync([UserWith(new UriContent(new Uri(relative, UriKind.Relative), "image/png"))], cancellationToken: Ct));

        Assert.Contains("outside the allowed root", ex.Message, StringComparison.Ordinal);
        Assert.Equal(relative, ex.ImageReference);
        Assert.Empty(_leaf.Calls);
    }

    [Fact]
    public async Task GetResponseAsync_AbsolutePathOutsideRoot_Rejected()
    {
        using var client = Create();
        var outside = _temp.Write("elsewhere/a.png", TestImages.Png);

        var ex = await Assert.ThrowsAsync<MultimodalPreprocessingException>(
            () => client.GetResponseAsync([UserWith(new UriContent(new Uri(outside), "image/png"))], cancellationToken: Ct));

        Assert.Contains("outside the allowed root", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_SiblingWithRootAsPrefix_Rejected()
    {
        using var client = Create("root");
        var evil = _temp.Write("root-evil/a.png", TestImages.Png);

        var ex = await Assert.ThrowsAsync<MultimodalPreprocessingException>(
            () => client.GetResponseAsync([UserWith(new UriContent(new Uri(evil), "image/png"))], cancellationToken: Ct));

        Assert.Contains("outside the allowed root", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_FileSymlinkPointingOutside_Rejected()
    {
        using var client = Create();
        var secret = _temp.Write("secret.png", TestImages.Png);
        var link = Path.Combine(_temp.Path, "root", "innocent.png");
        File.CreateSymbolicLink(link, secret);

        var ex = await Assert.ThrowsAsync<MultimodalPreprocessingException>(
            () => client.GetResponseAsync([UserWith(new UriContent(new Uri(link), "image/png"))], cancellationToken: Ct));

        Assert.Contains("symbolic link", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_DirectorySymlinkPointingOutside_Rejected()
    {
        using var client = Create();
        _temp.Write("outside/secret.png", TestImages.Png);
        Directory.CreateSymbolicLink(Path.Combine(_temp.Path, "root", "shared"), Path.Combine(_temp.Path, "outside"));

        var ex = await Assert.ThrowsAsync<MultimodalPreprocessingException>(
            () => client.GetResponseAsync([UserWith(new UriContent(new Uri("shared/secret.png", UriKind.Relative), "image/png"))], cancellationToken: Ct));

        Assert.Contains("symbolic link", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_RelativeSymlinkChainEscaping_Rejected()
    {
        using var client = Create();
        _temp.Write("secret.png", TestImages.Png);
        var root = Path.Combine(_temp.Path, "root");
        File.CreateSymbolicLink(Path.Combine(root, "hop2.png"), "../secret.png");
        File.CreateSymbolicLink(Path.Combine(root, "hop1.png"), "hop2.png");

        await Assert.ThrowsAsync<MultimodalPreprocessingException>(
            () => client.GetResponseAsync([UserWith(new UriContent(new Uri("hop1.png", UriKind.Relative), "image/png"))], cancellationToken: Ct));
    }

    [Fact]
    public async Task GetResponseAsync_SymlinkStayingInsideRoot_Allowed()
    {
        using var client = Create();
        _temp.Write("root/real/a.png", TestImages.Png);
        File.CreateSymbolicLink(Path.Combine(_temp.Path, "root", "alias.png"), Path.Combine(_temp.Path, "root", "real", "a.png"));

        await client.GetResponseAsync([UserWith(new UriContent(new Uri("alias.png", UriKind.Relative), "image/png"))], cancellationToken: Ct);

        Assert.Equal(TestImages.Png, SentImage().Data.ToArray());
    }

    [Fact]
    public async Task GetResponseAsync_SymlinkLoop_ClearError()
    {
        using var client = Create();
        var root = Path.Combine(_temp.Path, "root");
        File.CreateSymbolicLink(Path.Combine(root, "a.png"), "b.png");
        File.CreateSymbolicLink(Path.Combine(root, "b.png"), "a.png");

        var ex = await Assert.ThrowsAsync<MultimodalPreprocessingException>(
            () => client.GetResponseAsync([UserWith(new UriContent(new Uri("a.png", UriKind.Relative), "image/png"))], cancellationToken: Ct));

        Assert.Contains("symbolic links", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_AllowedRootMissing_ClearError()
    {
        using var client = new MultimodalPreprocessingChatClient(_leaf) { AllowedRoot = Path.Combine(_temp.Path, "not-there") };

        var ex = await Assert.ThrowsAsync<MultimodalPreprocessingException>(
            () => client.GetResponseAsync([UserWith(new UriContent(new Uri("a.png", UriKind.Relative), "image/png"))], cancellationToken: Ct));

        Assert.Contains("cannot be used", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Multimodal:AllowedRoot", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_MissingFile_ClearError()
    {
        using var client = Create();

        var ex = await Assert.ThrowsAsync<MultimodalPreprocessingException>(
            () => client.GetResponseAsync([UserWith(new UriContent(new Uri("nope.png", UriKind.Relative), "image/png"))], cancellationToken: Ct));

        Assert.Contains("does not exist", ex.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> Formats() => new()
    {
        { "png", "image/png" }, { "jpeg", "image/jpeg" }, { "gif", "image/gif" }, { "webp", "image/webp" },
        { "bmp", "image/bmp" }, { "tiff", "image/tiff" }, { "avif", "image/avif" }, { "pdf", "application/pdf" },
    };

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task GetResponseAsync_SniffsMediaTypeFromBytes(string format, string expected)
    {
        var bytes = format switch
        {
            "png" => TestImages.Png, "jpeg" => TestImages.Jpeg, "gif" => TestImages.Gif, "webp" => TestImages.WebP,
            "bmp" => TestImages.Bmp, "tiff" => TestImages.Tiff, "avif" => TestImages.Avif, _ => TestImages.Pdf,
        };
        using var client = Create();
        _temp.Write("root/file.bin", bytes);

        await client.GetResponseAsync([UserWith(new UriContent(new Uri("file.bin", UriKind.Relative), "application/octet-stream"))], cancellationToken: Ct);

        Assert.Equal(expected, SentImage().MediaType);
    }

    [Fact]
    public async Task GetResponseAsync_UnknownFormat_ClearError()
    {
        using var client = Create();
        _temp.Write("root/fake.png", TestImages.Text);

        var ex = await Assert.ThrowsAsync<MultimodalPreprocessingException>(
            () => client.GetResponseAsync([UserWith(new UriContent(new Uri("fake.png", UriKind.Relative), "image/png"))], cancellationToken: Ct));

        Assert.Contains("not in a recognized format", ex.Message, StringComparison.Ordinal);
        Assert.Contains("PNG", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_DataContentWithWrongDeclaredType_CorrectedWithoutMutatingCaller()
    {
        using var client = Create();
        var original = new DataContent(TestImages.Png, "image/jpeg");
        var message = UserWith(original);

        await client.GetResponseAsync([message], cancellationToken: Ct);

        Assert.Equal("image/png", SentImage().MediaType);
        Assert.Same(original, message.Contents[1]);
        Assert.Equal("image/jpeg", original.MediaType);
        Assert.NotSame(message, _leaf.Calls[0].Messages[0]);
    }

    [Fact]
    public async Task GetResponseAsync_DataContentAlreadyRight_SentAsIs()
    {
        using var client = Create();
        var original = new DataContent(TestImages.Jpeg, "image/jpeg");

        await client.GetResponseAsync([UserWith(original)], cancellationToken: Ct);

        Assert.Same(original, SentImage());
    }

    [Fact]
    public async Task GetResponseAsync_DataUriInUriContent_BecomesDataContent()
    {
        using var client = Create(root: null);
        var uri = new Uri("data:image/png;base64," + Convert.ToBase64String(TestImages.Png));

        await client.GetResponseAsync([UserWith(new UriContent(uri, "image/png"))], cancellationToken: Ct);

        Assert.Equal(TestImages.Png, SentImage().Data.ToArray());
    }

    [Fact]
    public async Task GetResponseAsync_CallerMessagesUnchanged()
    {
        using var client = Create();
        _temp.Write("root/a.png", TestImages.Png);
        var uriContent = new UriContent(new Uri("a.png", UriKind.Relative), "image/png");
        var message = UserWith(uriContent);
        var messages = new List<ChatMessage> { message };

        await client.GetResponseAsync(messages, cancellationToken: Ct);

        Assert.Single(messages);
        Assert.Same(uriContent, message.Contents[1]);
        Assert.Equal(2, message.Contents.Count);
    }

    [Fact]
    public async Task GetResponseAsync_ImageOverPerImageLimit_RequestTooLarge()
    {
        using var client = Create();
        client.MaxImageBytes = 10;
        _temp.Write("root/a.png", TestImages.Png);

        var ex = await Assert.ThrowsAsync<MultimodalPreprocessingException>(
            () => client.GetResponseAsync([UserWith(new UriContent(new Uri("a.png", UriKind.Relative), "image/png"))], cancellationToken: Ct));

        Assert.Equal(LlmErrorKind.RequestTooLarge, ex.Kind);
        Assert.Contains("MaxImageBytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_ImagesOverTotalLimit_RequestTooLarge()
    {
        using var client = Create();
        client.MaxTotalBytes = TestImages.Png.Length + 5;
        var message = new ChatMessage(ChatRole.User, [new DataContent(TestImages.Png, "image/png"), new DataContent(TestImages.Png, "image/png")]);

        var ex = await Assert.ThrowsAsync<MultimodalPreprocessingException>(() => client.GetResponseAsync([message], cancellationToken: Ct));

        Assert.Equal(LlmErrorKind.RequestTooLarge, ex.Kind);
        Assert.Contains("MaxTotalBytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_HttpUrlWithoutRemoteFetch_PassedThroughUnchanged()
    {
        using var client = Create();
        var url = new UriContent(new Uri("https://example.com/cat.png"), "image/png");

        await client.GetResponseAsync([UserWith(url)], cancellationToken: Ct);

        Assert.Same(url, _leaf.Calls[0].Messages[0].Contents[1]);
    }

    [Fact]
    public async Task GetResponseAsync_NonImageContent_Untouched()
    {
        using var client = Create(root: null);
        var audio = new DataContent(new byte[] { 1, 2, 3 }, "audio/wav");

        await client.GetResponseAsync([UserWith(audio)], cancellationToken: Ct);

        Assert.Same(audio, _leaf.Calls[0].Messages[0].Contents[1]);
    }

    [Fact]
    public async Task GetResponseAsync_FileUriWithNonImageMediaType_LeftAlone()
    {
        using var client = Create(root: null);
        var text = new UriContent(new Uri("file:///etc/hosts"), "text/plain");

        await client.GetResponseAsync([UserWith(text)], cancellationToken: Ct);

        Assert.Same(text, _leaf.Calls[0].Messages[0].Contents[1]);
    }

    [Fact]
    public async Task GetResponseAsync_ModelWithoutImages_FailPolicyNamesModel()
    {
        _leaf.Capabilities = id => new ModelCapabilities { ModelId = id ?? "default", SupportsImages = false };
        using var client = Create();

        var ex = await Assert.ThrowsAsync<MultimodalPreprocessingException>(() => client.GetResponseAsync(
            [UserWith(new DataContent(TestImages.Png, "image/png"))], new ChatOptions { ModelId = "text-only-1" }, Ct));

        Assert.Contains("'text-only-1' does not accept images", ex.Message, StringComparison.Ordinal);
        Assert.Contains("UnsupportedImagePolicy", ex.Message, StringComparison.Ordinal);
        Assert.Equal("text-only-1", ex.ModelId);
        Assert.Equal(["text-only-1"], _leaf.CapabilityQueries);
        Assert.Empty(_leaf.Calls);
    }

    [Fact]
    public async Task GetResponseAsync_ModelWithoutFiles_PdfFails()
    {
        _leaf.Capabilities = id => new ModelCapabilities { ModelId = "m", SupportsImages = true, SupportsFiles = false };
        using var client = Create();

        var ex = await Assert.ThrowsAsync<MultimodalPreprocessingException>(() => client.GetResponseAsync(
            [UserWith(new DataContent(TestImages.Pdf, "application/pdf"))], cancellationToken: Ct));

        Assert.Contains("PDF", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_ModelWithImages_Passes()
    {
        _leaf.Capabilities = id => new ModelCapabilities { ModelId = "m", SupportsImages = true };
        using var client = Create();

        await client.GetResponseAsync([UserWith(new DataContent(TestImages.Png, "image/png"))], cancellationToken: Ct);

        Assert.Single(_leaf.Calls);
    }

    [Fact]
    public async Task GetResponseAsync_ReplaceWithPlaceholder_SendsTextInstead()
    {
        _leaf.Capabilities = id => new ModelCapabilities { ModelId = "m", SupportsImages = false };
        using var client = Create(root: null);
        client.UnsupportedImagePolicy = UnsupportedImagePolicy.ReplaceWithPlaceholder;
        client.PlaceholderText = "[no image]";

        // Not readable (no root) and still fine: placeholders never read the image.
        await client.GetResponseAsync([UserWith(new UriContent(new Uri("a.png", UriKind.Relative), "image/png"))], cancellationToken: Ct);

        var sent = _leaf.Calls[0].Messages[0].Contents;
        Assert.Equal(["describe", "[no image]"], sent.Select(c => Assert.IsType<TextContent>(c).Text));
    }

    [Fact]
    public async Task GetResponseAsync_RoutePolicyWithFallbackClient_SendsImagesThere()
    {
        _leaf.Capabilities = id => new ModelCapabilities { ModelId = "m", SupportsImages = false };
        var vision = new ScriptedChatClient("vision");
        using var client = Create();
        client.UnsupportedImagePolicy = UnsupportedImagePolicy.Route;
        client.FallbackClient = vision;
        client.FallbackModelId = "vision-model";
        var options = new ChatOptions { ModelId = "text-model" };

        var response = await client.GetResponseAsync([UserWith(new DataContent(TestImages.Png, "image/jpeg"))], options, Ct);

        Assert.Equal("vision default", response.Text);
        Assert.Empty(_leaf.Calls);
        Assert.Equal("vision-model", vision.Calls[0].Options!.ModelId);
        Assert.Equal("image/png", Assert.IsType<DataContent>(vision.Calls[0].Messages[0].Contents[1]).MediaType);
        Assert.Equal("text-model", options.ModelId);
    }

    [Fact]
    public async Task GetResponseAsync_RoutePolicyWithModelOnly_UsesInnerClientWithThatModel()
    {
        _leaf.Capabilities = id => new ModelCapabilities { ModelId = id!, SupportsImages = id == "vision-model" };
        using var client = Create();
        client.UnsupportedImagePolicy = UnsupportedImagePolicy.Route;
        client.FallbackModelId = "vision-model";

        await client.GetResponseAsync([UserWith(new DataContent(TestImages.Png, "image/png"))], new ChatOptions { ModelId = "text-model" }, Ct);

        Assert.Equal("vision-model", _leaf.Calls[0].Options!.ModelId);
    }

    [Fact]
    public async Task GetResponseAsync_RoutePolicyWithoutFallback_InvalidOperationNamingSettings()
    {
        _leaf.Capabilities = id => new ModelCapabilities { ModelId = "m", SupportsImages = false };
        using var client = Create();
        client.UnsupportedImagePolicy = UnsupportedImagePolicy.Route;

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(
            () => client.GetResponseAsync([UserWith(new DataContent(TestImages.Png, "image/png"))], cancellationToken: Ct));

        Assert.Contains("FallbackClient", ex.Message, StringComparison.Ordinal);
        Assert.Contains("FallbackModelId", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_MaxImageDimensionWithoutResizer_Throws()
    {
        using var client = Create();
        client.MaxImageDimension = 512;

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(
            () => client.GetResponseAsync([UserWith(new DataContent(TestImages.Png, "image/png"))], cancellationToken: Ct));

        Assert.Contains("IImageResizer", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_Resizer_OutputIsResniffedAndSent()
    {
        var resizer = new ToJpegResizer();
        using var client = Create();
        client.MaxImageDimension = 512;
        client.ImageResizer = resizer;

        await client.GetResponseAsync([UserWith(new DataContent(TestImages.Png, "image/png"))], cancellationToken: Ct);

        Assert.Equal(512, resizer.SeenMaxDimension);
        Assert.Equal("image/jpeg", SentImage().MediaType);
        Assert.Equal(TestImages.Jpeg, SentImage().Data.ToArray());
    }

    [Fact]
    public async Task GetStreamingResponseAsync_PreparesImagesToo()
    {
        using var client = Create();
        _temp.Write("root/a.webp", TestImages.WebP);
        _leaf.Stream("one", "two");

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync([UserWith(new UriContent(new Uri("a.webp", UriKind.Relative), "image/webp"))], cancellationToken: Ct))
        {
            updates.Add(update);
        }

        Assert.Equal("onetwo", string.Concat(updates.Select(u => u.Text)));
        Assert.Equal("image/webp", SentImage().MediaType);
    }

    [Fact]
    public void GetService_ReturnsSelfAndForwardsCapabilities()
    {
        _leaf.Capabilities = _ => null;
        using var client = Create();

        Assert.Same(client, client.GetService(typeof(MultimodalPreprocessingChatClient)));
        Assert.Same(_leaf, client.GetService(typeof(IModelCapabilityProvider)));
    }

    [Fact]
    public async Task UseMultimodalPreprocessing_ConfiguresTheClient()
    {
        _temp.Write("root/a.png", TestImages.Png);
        var root = Path.Combine(_temp.Path, "root");
        using var pipeline = _leaf.AsBuilder().UseMultimodalPreprocessing(configure: c => c.AllowedRoot = root).Build();

        await pipeline.GetResponseAsync([UserWith(new UriContent(new Uri("a.png", UriKind.Relative), "image/png"))], cancellationToken: Ct);

        Assert.Equal(root, pipeline.GetService<MultimodalPreprocessingChatClient>()!.AllowedRoot);
        Assert.Equal("image/png", SentImage().MediaType);
        Assert.Throws<ArgumentNullException>("builder", () => MultimodalPreprocessingChatClientBuilderExtensions.UseMultimodalPreprocessing(null!));
    }

    private sealed class ToJpegResizer : IImageResizer
    {
        public int SeenMaxDimension { get; private set; }

        public ValueTask<DataContent> ResizeAsync(DataContent image, int maxDimension, CancellationToken cancellationToken)
        {
            SeenMaxDimension = maxDimension;
            return ValueTask.FromResult(new DataContent(TestImages.Jpeg, "image/png"));
        }
    }
}
