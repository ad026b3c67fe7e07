using Microsoft.Extensions.AI;

namespace LlmConnectors;

/// <summary>What an <see cref="IChatResponseValidator"/> knows about the request a response answers.</summary>
public sealed class ChatResponseValidationContext
{
    /// <summary>Initializes a new instance of the <see cref="ChatResponseValidationContext"/> class.</summary>
    /// <param name="messages">The messages sent for this attempt, including earlier failed answers and the re-ask messages.</param>
    /// <param name="options">The options of the request.</param>
    /// <param name="attemptNumber">The attempt, starting at 1.</param>
    /// <param name="maxAttempts">The maximum number of attempts.</param>
    /// <exception cref="ArgumentNullException"><paramref name="messages"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="attemptNumber"/> or <paramref name="maxAttempts"/> is less than 1.</exception>
    public ChatResponseValidationContext(IReadOnlyList<ChatMessage> messages, ChatOptions? options, int attemptNumber, int maxAttempts)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentOutOfRangeException.ThrowIfLessThan(attemptNumber, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAttempts, 1);
        Messages = messages;
        Options = options;
        AttemptNumber = attemptNumber;
        MaxAttempts = maxAttempts;
    }

    /// <summary>Gets the messages sent for this attempt.</summary>
    public IReadOnlyList<ChatMessage> Messages { get; }

    /// <summary>Gets the options of the request; do not modify them.</summary>
    public ChatOptions? Options { get; }

    /// <summary>Gets the attempt, starting at 1.</summary>
    public int AttemptNumber { get; }

    /// <summary>Gets the maximum number of attempts.</summary>
    public int MaxAttempts { get; }
}
