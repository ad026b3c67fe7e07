using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace LlmConnectors.Tests.Routing;

/// <summary>An in-memory IChatClient whose answers, failures and capabilities the test scripts; it records every call.</summary>
public sealed class ScriptedChatClient : IChatClient, IModelCapabilityProvider
{
    private readonly Queue<Func<CancellationToken, Task<ChatResponse>>> _responses = new();
    private readonly Queue<Func<IAsyncEnumerable<ChatResponseUpdate>>> _streams = new();

    public ScriptedChatClient(string name = "scripted")
    {
        Name = name;
    }

    public string Name { get; }

    public List<(List<ChatMessage> Messages, ChatOptions? Options)> Calls { get; } = [];

    /// <summary>When set, the client exposes IModelCapabilityProvider and answers with this function.</summary>
    public Func<string?, ModelCapabilities?>? Capabilities { get; set; }

    public List<string?> CapabilityQueries { get; } = [];

    public bool Disposed { get; private set; }

    public ScriptedChatClient Answer(string text)
    {
        _responses.Enqueue(_ => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, text)) { ModelId = Name }));
        return this;
    }

    public ScriptedChatClient Answer(FunctionCallContent call)
    {
        _responses.Enqueue(_ => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, [call])) { ModelId = Name }));
        return this;
    }

    public ScriptedChatClient Fail(Exception exception)
    {
        _responses.Enqueue(_ => Task.FromException<ChatResponse>(exception));
        return this;
    }

    public ScriptedChatClient Stream(params string[] chunks) => Stream(chunks, failAfter: null);

    public ScriptedChatClient Stream(string[] chunks, Exception? failAfter)
    {
        _streams.Enqueue(() => Produce(chunks, failAfter));
        return this;
    }

    public ScriptedChatClient StreamFailure(Exception exception)
    {
        _streams.Enqueue(() => Produce([], exception));
        return this;
    }

    /// <summary>The next streaming call yields nothing until its token is cancelled.</summary>
    public ScriptedChatClient StreamHang()
    {
        _streams.Enqueue(() => HangForever());
        return this;
    }

    /// <summary>The next call waits until its token is cancelled.</summary>
    public ScriptedChatClient Hang()
    {
        _responses.Enqueue(async ct =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        });
        return this;
    }

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Calls.Add(([.. messages], options));
        await Task.Yield();
        cancellationToken.ThrowIfCancellationRequested();
        return _responses.Count > 0
            ? await _responses.Dequeue()(cancellationToken)
            : new ChatResponse(new ChatMessage(ChatRole.Assistant, $"{Name} default")) { ModelId = Name };
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Calls.Add(([.. messages], options));
        return _streams.Count > 0 ? _streams.Dequeue()() : Produce([$"{Name} default"], null, cancellationToken);
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(IModelCapabilityProvider))
        {
            return Capabilities is null ? null : this;
        }

        if (serviceType == typeof(ChatClientMetadata))
        {
            return new ChatClientMetadata(Name);
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    public ValueTask<ModelCapabilities?> GetModelCapabilitiesAsync(string? modelId, CancellationToken cancellationToken = default)
    {
        CapabilityQueries.Add(modelId);
        return ValueTask.FromResult(Capabilities!(modelId));
    }

    public void Dispose() => Disposed = true;

    private static async IAsyncEnumerable<ChatResponseUpdate> HangForever([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        yield break;
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> Produce(string[] chunks, Exception? failAfter, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var chunk in chunks)
        {
            await Task.Yield();
            yield return new ChatResponseUpdate(ChatRole.Assistant, chunk);
        }

        await Task.Yield();
        if (failAfter is not null)
        {
            throw failAfter;
        }
    }
}
