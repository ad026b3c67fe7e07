using Microsoft.Extensions.AI;

namespace LlmConnectors;

/// <summary>
/// The exception JSON enforcement throws when a model's answer is not the JSON that was asked for.
/// </summary>
/// <remarks>
/// <see cref="RetryWithValidationChatClient"/> placed around a <see cref="JsonEnforcingChatClient"/> catches it and asks the model
/// again with <see cref="Errors"/>; without retry it reaches the caller. <see cref="LlmConnectorException.Kind"/> is
/// <see cref="LlmErrorKind.ProtocolError"/> and the failure is never transient: failover to another provider does not apply.
/// </remarks>
public sealed class JsonEnforcementException : LlmConnectorException
{
    /// <summary>Initializes a new instance of the <see cref="JsonEnforcementException"/> class.</summary>
    public JsonEnforcementException()
        : this("The response is not the JSON that was asked for.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="JsonEnforcementException"/> class.</summary>
    /// <param name="message">What failed.</param>
    public JsonEnforcementException(string message)
        : this(message, null)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="JsonEnforcementException"/> class.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public JsonEnforcementException(string message, Exception? innerException)
        : base(message, LlmErrorKind.ProtocolError, provider: null, statusCode: null, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="JsonEnforcementException"/> class.</summary>
    /// <param name="failureKind">Why the response failed.</param>
    /// <param name="rawText">The text of the response as the model wrote it.</param>
    /// <param name="errors">The errors, worded for the model.</param>
    /// <param name="response">The failed response, when there is one.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public JsonEnforcementException(
        JsonEnforcementFailureKind failureKind, string rawText, IReadOnlyList<string> errors, ChatResponse? response = null, Exception? innerException = null)
        : this(BuildMessage(failureKind, errors), innerException)
    {
        ArgumentNullException.ThrowIfNull(errors);
        FailureKind = failureKind;
        RawText = rawText ?? string.Empty;
        Errors = errors;
        Response = response;
        ModelId = response?.ModelId;
    }

    /// <summary>Gets why the response failed.</summary>
    public JsonEnforcementFailureKind FailureKind { get; }

    /// <summary>Gets the text of the response as the model wrote it (may contain model output: do not log it above Trace level).</summary>
    public string RawText { get; } = string.Empty;

    /// <summary>Gets the errors, worded for the model (for example <c>$.items[2].price: type: Value is "string" but should be "number"</c>).</summary>
    public IReadOnlyList<string> Errors { get; } = [];

    /// <summary>Gets the schema violations, when <see cref="FailureKind"/> is <see cref="JsonEnforcementFailureKind.SchemaViolation"/>.</summary>
    public IReadOnlyList<JsonValidationError> SchemaErrors { get; init; } = [];

    /// <summary>Gets the failed response (its messages and usage), when there is one.</summary>
    public ChatResponse? Response { get; }

    /// <inheritdoc/>
    public override bool IsTransient => false;

    private static string BuildMessage(JsonEnforcementFailureKind kind, IReadOnlyList<string>? errors)
    {
        var what = kind switch
        {
            JsonEnforcementFailureKind.SchemaViolation => "The response is JSON but does not match the requested schema",
            JsonEnforcementFailureKind.DeserializationFailed => "The response JSON could not be turned into the requested type",
            _ => "The response does not contain valid JSON",
        };

        if (errors is null || errors.Count == 0)
        {
            return what + ". Add RetryWithValidationChatClient (UseRetryWithValidation) in front of the JSON enforcement to ask the model again.";
        }

        var shown = errors.Count <= 5 ? string.Join("; ", errors) : string.Join("; ", errors.Take(5)) + $"; and {errors.Count - 5} more";
        return $"{what}: {shown}. Add RetryWithValidationChatClient (UseRetryWithValidation) in front of the JSON enforcement to ask the model again.";
    }
}
