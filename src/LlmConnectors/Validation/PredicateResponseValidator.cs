using Microsoft.Extensions.AI;

namespace LlmConnectors;

/// <summary>Requires the answer to satisfy a predicate; the given message is sent to the model when it does not.</summary>
public sealed class PredicateResponseValidator : IChatResponseValidator
{
    private readonly Func<ChatResponse, bool> _predicate;
    private readonly string _errorMessage;

    /// <summary>Initializes a new instance of the <see cref="PredicateResponseValidator"/> class.</summary>
    /// <param name="predicate">Returns <see langword="true"/> for a valid answer.</param>
    /// <param name="errorMessage">The error sent to the model when the predicate returns <see langword="false"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="predicate"/> or <paramref name="errorMessage"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="errorMessage"/> is empty or white space.</exception>
    public PredicateResponseValidator(Func<ChatResponse, bool> predicate, string errorMessage)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        ArgumentException.ThrowIfNullOrWhiteSpace(errorMessage);
        _predicate = predicate;
        _errorMessage = errorMessage;
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="response"/> is <see langword="null"/>.</exception>
    public ValueTask<ChatResponseValidationResult> ValidateAsync(ChatResponse response, ChatResponseValidationContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(response);
        return new(_predicate(response) ? ChatResponseValidationResult.Success : ChatResponseValidationResult.Failure(_errorMessage));
    }
}
