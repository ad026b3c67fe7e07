using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace LlmConnectors.IntegrationTests.ClaudeProxy;

/// <summary>A scripted chat client: records what the proxy sends it and answers as the test says.</summary>
public sealed class FakeChatClient : IChatClient
{
    private readonly TaskCompletionSource _cancelled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public List<ChatMessage>? LastMessages { get; private set; }

    public ChatOptions? LastOptions { get; private set; }

    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    /// <summary>Gets or sets the text answered (split into streamed words).</summary>
    public string ReplyText { get; set; } = "Hello from the fake";

    /// <summary>Gets or sets an exception thrown before the first update.</summary>
    public Exception? ThrowBeforeFirst { get; set; }

    /// <summary>Gets or sets an exception thrown after the first streamed update.</summary>
    public Exception? ThrowAfterFirst { get; set; }

    /// <summary>Gets or sets a value indicating whether the client waits for cancellation (after one streamed update when streaming).</summary>
    public bool HangUntilCancelled { get; set; }

    /// <summary>Gets or sets how long each call takes before it answers.</summary>
    public TimeSpan Delay { get; set; }

    public bool Disposed { get; private set; }

    /// <summary>Completes when a call observed its token cancelled.</summary>
    public Task Cancelled => _cancelled.Task;

    /// <summary>Completes when a call started.</summary>
    public Task Started => _started.Task;

    public UsageDetails Usage { get; set; } = new() { InputTokenCount = 11, OutputTokenCount = 7, TotalTokenCount = 18 };

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Record(messages, options);
        if (ThrowBeforeFirst is { } e)
        {
            throw e;
        }

        if (HangUntilCancelled)
        {
            await HangAsync(cancellationToken);
        }

        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay, cancellationToken);
        }

        return new ChatResponse(new ChatMessage(ChatRole.Assistant, ReplyText))
        {
            ResponseId = "resp-1",
            ModelId = options?.ModelId,
            FinishReason = ChatFinishReason.Stop,
            Usage = Usage,
            AdditionalProperties = new() { ["total_cost_usd"] = 0.0123m },
        };
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Record(messages, options);
        if (ThrowBeforeFirst is { } e)
        {
            throw e;
        }

        var words = ReplyText.Split(' ');
        for (var i = 0; i < words.Length; i++)
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, (i == 0 ? string.Empty : " ") + words[i]) { ResponseId = "resp-1", ModelId = options?.ModelId };
            if (i == 0 && ThrowAfterFirst is { } after)
            {
                throw after;
            }

            if (i == 0 && HangUntilCancelled)
            {
                await HangAsync(cancellationToken);
            }

            await Task.Yield();
        }

        yield return new ChatResponseUpdate { Contents = [new UsageContent(Usage)], FinishReason = ChatFinishReason.Stop };
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata("fake", null, "sonnet") : serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose() => Disposed = true;

    private void Record(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        Interlocked.Increment(ref _calls);
        LastMessages = [.. messages];
        LastOptions = options;
        _started.TrySetResult();
    }

    private async Task HangAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            _cancelled.TrySetResult();
            throw;
        }
    }
}
