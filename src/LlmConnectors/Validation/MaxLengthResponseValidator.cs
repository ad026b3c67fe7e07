using Microsoft.Extensions.AI;

namespace LlmConnectors;

/// <summary>Requires the answer's text to be at most a number of characters long (UTF-16 code units, as <see cref="string.Length"/>).</summary>
public sealed class MaxLengthResponseValidator : IChatResponseValidator
{
    /// <summary>Initializes a new instance of the <see cref="MaxLengthResponseValidator"/> class.</summary>
    /// <param name="maxLength">The maximum length.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxLength"/> is negative.</exception>
    public MaxLengthResponseValidator(int maxLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxLength);
        MaxLength = maxLength;
    }

    /// <summary>Gets the maximum length.</summary>
    public int MaxLength { get; }

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="response"/> is <see langword="null"/>.</exception>
    public ValueTask<ChatResponseValidationResult> ValidateAsync(ChatResponse response, ChatResponseValidationContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(response);
        var length = response.Text.Length;
        return new(length <= MaxLength
            ? ChatResponseValidationResult.Success
            : ChatResponseValidationResult.Failure($"the answer must be at most {MaxLength} characters long, got {length}; shorten it"));
    }
}
