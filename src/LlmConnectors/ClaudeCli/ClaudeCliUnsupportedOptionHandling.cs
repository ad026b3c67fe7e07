namespace LlmConnectors;

/// <summary>
/// What <see cref="ClaudeCliChatClient"/> does with a <c>ChatOptions</c> setting the Claude CLI cannot honour (<c>Temperature</c>,
/// <c>TopP</c>, <c>TopK</c>, <c>StopSequences</c>, <c>Seed</c>, <c>FrequencyPenalty</c>, <c>PresencePenalty</c>, a JSON response format
/// without a schema): the CLI sends none of them to the model and offers no switch for them.
/// </summary>
public enum ClaudeCliUnsupportedOptionHandling
{
    /// <summary>
    /// Serve the request without them, log a warning naming them, and list them under
    /// <see cref="ClaudeCliPropertyNames.IgnoredOptions"/> in the response's <c>AdditionalProperties</c> (the default: an ordinary
    /// OpenAI-style caller that always sends a temperature keeps working, and nothing is dropped without a word).
    /// </summary>
    Ignore = 0,

    /// <summary>Fail the request with an <see cref="ArgumentException"/> naming the first one, before any process is started.</summary>
    Reject = 1,
}
