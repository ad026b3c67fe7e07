using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace LlmConnectors.Tests.RateLimiting;

/// <summary>An inner client whose calls wait until the test opens their gate, recording the order in which calls arrive.</summary>
public sealed class GatedChatClient : IChatClient
{
    private readonly ConcurrentQueue<string> _arrivals = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _gates = new();

    /// <summary>Gets the texts of the calls, in the order they reached this client.</summary>
    public IReadOnlyList<string> Arrivals => [.. _arrivals];

    /// <summary>Lets the call with this text finish.</summary>
    /// <param name="text">The call's text.</param>
    public void Open(string text) => Gate(text).TrySetResult();

    /// <summary>Waits until a call with this text has arrived.</summary>
    /// <param name="text">The call's text.</param>
    /// <returns>A task that completes when it arrived.</returns>
    public async Task WaitForArrivalAsync(string text)
    {
        while (!_arrivals.Contains(text))
        {
            await Task.Delay(5, TestContext.Current.CancellationToken);
        }
    }

    /// <inheritdoc/>
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var text = messages.Last().Text;
        _arrivals.Enqueue(text);
        await Gate(text).Task.WaitAsync(cancellationToken);
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, text));
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var text = messages.Last().Text;
        _arrivals.Enqueue(text);
        yield return new ChatResponseUpdate(ChatRole.Assistant, "first");
        await Gate(text).Task.WaitAsync(cancellationToken);
        yield return new ChatResponseUpdate(ChatRole.Assistant, "second");
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata("gated") : null;

    /// <inheritdoc/>
    public void Dispose()
    {
    }

    private TaskCompletionSource Gate(string text) => _gates.GetOrAdd(text, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
