using Microsoft.Extensions.AI;

namespace LlmConnectors.Tests.Pipeline;

public class ChatPipelineBuilderTests
{
    [Fact]
    public void Constructor_NullClient_Throws()
    {
        Assert.Throws<ArgumentNullException>("innerClient", () => new ChatPipelineBuilder((IChatClient)null!));
        Assert.Throws<ArgumentNullException>("innerClientFactory", () => new ChatPipelineBuilder((Func<IServiceProvider, IChatClient>)null!));
    }

    [Fact]
    public async Task Build_FirstAddedIsOutermost()
    {
        var order = new List<string>();
        using var leaf = new RecordingClient("leaf", order, inner: null);
        var client = leaf.AsPipelineBuilder()
            .Use(inner => new RecordingClient("first", order, inner))
            .Use((inner, _) => new RecordingClient("second", order, inner))
            .Build();

        await client.GetResponseAsync("hi", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(["first", "second", "leaf"], order);
    }

    [Fact]
    public void Build_FactoryReturnsNull_ThrowsWithPosition()
    {
        using var leaf = new RecordingClient("leaf", [], inner: null);
        var builder = leaf.AsPipelineBuilder().Use(_ => null!);

        var ex = Assert.Throws<InvalidOperationException>(() => builder.Build());
        Assert.Contains("position 0", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_PassesServiceProviderToFactories()
    {
        var services = new SingleServiceProvider("marker");
        IServiceProvider? seen = null;
        using var leaf = new RecordingClient("leaf", [], inner: null);

        leaf.AsPipelineBuilder().Use((inner, sp) =>
        {
            seen = sp;
            return inner;
        }).Build(services);

        Assert.Same(services, seen);
    }

    private sealed class SingleServiceProvider(object service) : IServiceProvider
    {
        public object? GetService(Type serviceType) => serviceType.IsInstanceOfType(service) ? service : null;
    }

    private sealed class RecordingClient(string name, List<string> order, IChatClient? inner) : IChatClient
    {
        public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            order.Add(name);
            return inner is null ? new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok")) : await inner.GetResponseAsync(messages, options, cancellationToken);
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("not used");

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
