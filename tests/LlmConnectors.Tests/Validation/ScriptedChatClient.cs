using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace LlmConnectors.Tests.Validation;

/// <summary>One request the scripted client received.</summary>
internal sealed record ScriptedCall(IReadOnlyList<ChatMessage> Messages, ChatOptions? Options, bool Streaming);

/// <summary>
/// An inner client that answers from a queue of canned responses, updates or exceptions, and records what it received.
/// </summary>
internal sealed class ScriptedChatClient : IChatClient
{
    private readonly Queue<object> _script = new();

    public List<ScriptedCall> Calls { get; } = [];

    public IModelCapabilityProvider? CapabilityProvider { get; set; }

    public int GetServiceCalls { get; private set; }

    public ScriptedChatClient EnqueueText(string text, UsageDetails? usage = null, string? modelId = null)
    {
        _script.Enqueue(new ChatResponse(new ChatMessage(ChatRole.Assistant, text)) { Usage = usage, ModelId = modelId });
        return this;
    }

    public ScriptedChatClient Enqueue(ChatResponse response)
    {
        _script.Enqueue(response);
        return this;
    }

    public ScriptedChatClient EnqueueException(Exception exception)
    {
        _script.Enqueue(exception);
        return this;
    }

    /// <summary>Enqueues a streamed answer: one update per chunk, then one update carrying the usage.</summary>
    public ScriptedChatClient EnqueueStream(UsageDetails? usage, params string[] chunks)
    {
        var updates = new List<ChatResponseUpdate>();
        foreach (var chunk in chunks)
        {
            updates.Add(new ChatResponseUpdate(ChatRole.Assistant, chunk) { MessageId = "m1", ResponseId = "r1" });
        }

        if (usage is not null)
        {
            updates.Add(new ChatResponseUpdate { MessageId = "m1", ResponseId = "r1", Contents = [new UsageContent(usage)] });
        }

        _script.Enqueue(updates);
        return this;
    }

    public int Remaining => _script.Count;

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Calls.Add(new ScriptedCall([.. messages], options, Streaming: false));
        return Next() switch
        {
            Exception exception => Task.FromException<ChatResponse>(exception),
            ChatResponse response => Task.FromResult(response),
            List<ChatResponseUpdate> updates => Task.FromResult(updates.ToChatResponse()),
            _ => throw new InvalidOperationException("Unexpected script item."),
        };
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Calls.Add(new ScriptedCall([.. messages], options, Streaming: true));
        var item = Next();
        if (item is Exception exception)
        {
            throw exception;
        }

        var updates = item is ChatResponse response ? [.. response.ToChatResponseUpdates()] : (List<ChatResponseUpdate>)item;
        foreach (var update in updates)
        {
            await Task.Yield();
            cancellationToken.ThrowIfCancellationRequested();
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        GetServiceCalls++;
        if (serviceKey is null && serviceType == typeof(IModelCapabilityProvider))
        {
            return CapabilityProvider;
        }

        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;
    }

    public void Dispose()
    {
    }

    private object Next() => _script.Count > 0
        ? _script.Dequeue()
        : throw new InvalidOperationException("The scripted client received more requests than were scripted.");
}
