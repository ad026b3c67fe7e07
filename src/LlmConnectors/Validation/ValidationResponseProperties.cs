namespace LlmConnectors;

/// <summary>
/// Keys <see cref="RetryWithValidationChatClient"/> sets in <c>ChatResponse.AdditionalProperties</c>, and in the
/// <c>AdditionalProperties</c> of its last streamed update (which <c>ToChatResponseAsync</c> puts on the last message).
/// </summary>
public static class ValidationResponseProperties
{
    /// <summary>The number of attempts the answer took, an <see cref="int"/> (1 when the first answer passed).</summary>
    public const string Attempts = "llmconnectors.validation.attempts";

    /// <summary>The usage of each attempt in order, a <c>UsageDetails?[]</c>; <c>ChatResponse.Usage</c> holds their sum.</summary>
    public const string AttemptUsage = "llmconnectors.validation.attempt_usage";

    /// <summary>
    /// Set to <see langword="true"/> on the streamed update that follows a first attempt streamed live
    /// (<see cref="RetryWithValidationChatClient.StreamFirstAttempt"/>) that failed validation: discard the text shown so far.
    /// </summary>
    public const string DiscardPrevious = "llmconnectors.validation.discard_previous";
}
