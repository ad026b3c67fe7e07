using Microsoft.Extensions.AI;

namespace LlmConnectors;

/// <summary>Rejects an answer without text (empty or only white space), unless it calls a tool.</summary>
public sealed class NotEmptyResponseValidator : IChatResponseValidator
{
    /// <summary>The error sent to the model.</summary>
    public const string ErrorMessage = "the answer is empty; reply with a non-empty answer";

    private static readonly ValueTask<ChatResponseValidationResult> Failed = new(ChatResponseValidationResult.Failure(ErrorMessage));
    private static readonly ValueTask<ChatResponseValidationResult> Passed = new(ChatResponseValidationResult.Success);

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="response"/> is <see langword="null"/>.</exception>
    public ValueTask<ChatResponseValidationResult> ValidateAsync(ChatResponse response, ChatResponseValidationContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(response);
        // Indexed loops: foreach over the IList properties would allocate an enumerator per list.
        var messages = response.Messages;
        for (var i = 0; i < messages.Count; i++)
        {
            var contents = messages[i].Contents;
            for (var j = 0; j < contents.Count; j++)
            {
                var content = contents[j];
                if (content is TextContent text ? !string.IsNullOrWhiteSpace(text.Text) : content is FunctionCallContent)
                {
                    return Passed;
                }
            }
        }

        return Failed;
    }
}
