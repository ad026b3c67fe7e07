namespace LlmConnectors;

/// <summary>The outcome of an <see cref="IChatResponseValidator"/>: success, or errors worded for the model.</summary>
public sealed class ChatResponseValidationResult
{
    private ChatResponseValidationResult(IReadOnlyList<string> errors)
    {
        Errors = errors;
    }

    /// <summary>Gets the result of a response that passed.</summary>
    public static ChatResponseValidationResult Success { get; } = new([]);

    /// <summary>Gets a value indicating whether the response passed.</summary>
    public bool IsValid => Errors.Count == 0;

    /// <summary>Gets the errors, worded for the model; empty when the response passed.</summary>
    public IReadOnlyList<string> Errors { get; }

    /// <summary>Creates a failed result.</summary>
    /// <param name="errors">The errors, worded for the model (for example <c>the answer must be at most 200 characters long, got 250</c>).</param>
    /// <returns>A failed result.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="errors"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="errors"/> is empty or contains a null or blank error.</exception>
    public static ChatResponseValidationResult Failure(params IEnumerable<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var list = new List<string>(errors);
        if (list.Count == 0)
        {
            throw new ArgumentException("A failed validation result needs at least one error for the model; return ChatResponseValidationResult.Success when the response is valid.", nameof(errors));
        }

        foreach (var error in list)
        {
            if (string.IsNullOrWhiteSpace(error))
            {
                throw new ArgumentException("Every validation error must be a non-empty message for the model.", nameof(errors));
            }
        }

        return new ChatResponseValidationResult(list);
    }
}
