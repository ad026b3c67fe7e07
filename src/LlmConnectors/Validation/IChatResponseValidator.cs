using Microsoft.Extensions.AI;

namespace LlmConnectors;

/// <summary>
/// Checks a model's answer; <see cref="RetryWithValidationChatClient"/> asks the model again with the errors when it fails.
/// </summary>
public interface IChatResponseValidator
{
    /// <summary>Validates a response.</summary>
    /// <param name="response">The response to check.</param>
    /// <param name="context">The request the response answers and the attempt number.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns><see cref="ChatResponseValidationResult.Success"/>, or a failure carrying errors worded for the model.</returns>
    ValueTask<ChatResponseValidationResult> ValidateAsync(ChatResponse response, ChatResponseValidationContext context, CancellationToken cancellationToken = default);
}
