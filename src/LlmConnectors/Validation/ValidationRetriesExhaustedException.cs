using Microsoft.Extensions.AI;

namespace LlmConnectors;

/// <summary>
/// The exception <see cref="RetryWithValidationChatClient"/> throws when every attempt failed validation.
/// </summary>
/// <remarks>
/// <see cref="LlmConnectorException.Kind"/> is <see cref="LlmErrorKind.ProtocolError"/> and the failure is never transient:
/// failover to another provider does not apply.
/// </remarks>
public sealed class ValidationRetriesExhaustedException : LlmConnectorException
{
    /// <summary>Initializes a new instance of the <see cref="ValidationRetriesExhaustedException"/> class.</summary>
    public ValidationRetriesExhaustedException()
        : this("Every answer of the model failed validation.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ValidationRetriesExhaustedException"/> class.</summary>
    /// <param name="message">What failed.</param>
    public ValidationRetriesExhaustedException(string message)
        : this(message, null)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ValidationRetriesExhaustedException"/> class.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public ValidationRetriesExhaustedException(string message, Exception? innerException)
        : base(message, LlmErrorKind.ProtocolError, provider: null, statusCode: null, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ValidationRetriesExhaustedException"/> class.</summary>
    /// <param name="attempts">Every failed attempt, in order.</param>
    /// <param name="usage">The usage of all attempts summed, when reported.</param>
    /// <exception cref="ArgumentNullException"><paramref name="attempts"/> is <see langword="null"/>.</exception>
    public ValidationRetriesExhaustedException(IReadOnlyList<ValidationAttempt> attempts, UsageDetails? usage)
        : this(BuildMessage(attempts))
    {
        Attempts = attempts;
        Usage = usage;
        ModelId = attempts.Count > 0 ? attempts[^1].Response.ModelId : null;
    }

    /// <summary>Gets every failed attempt, in order, with its response and errors.</summary>
    public IReadOnlyList<ValidationAttempt> Attempts { get; } = [];

    /// <summary>Gets the usage of all attempts summed, or <see langword="null"/> when the provider reported none.</summary>
    public UsageDetails? Usage { get; }

    /// <inheritdoc/>
    public override bool IsTransient => false;

    private static string BuildMessage(IReadOnlyList<ValidationAttempt> attempts)
    {
        ArgumentNullException.ThrowIfNull(attempts);
        if (attempts.Count == 0)
        {
            return "Every answer of the model failed validation.";
        }

        var errors = attempts[^1].Errors;
        var shown = errors.Count <= 5 ? string.Join("; ", errors) : string.Join("; ", errors.Take(5)) + $"; and {errors.Count - 5} more";
        return $"The model's answer failed validation on all {attempts.Count} attempt(s). Errors of the last attempt: {shown}. " +
            "Raise RetryWithValidationChatClient.MaxAttempts, make the prompt clearer, or loosen the validators; the Attempts property holds every failed answer.";
    }
}
