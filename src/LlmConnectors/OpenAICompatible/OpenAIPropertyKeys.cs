namespace LlmConnectors.OpenAICompatible;

/// <summary>The <c>AdditionalProperties</c> keys the OpenAI-compatible mapping reads and writes.</summary>
internal static class OpenAIPropertyKeys
{
    /// <summary>Request: the end-user id (<c>user</c>), a string.</summary>
    public const string User = "user";

    /// <summary>Request: <c>strict</c> for a JSON schema response format and for function tools, a boolean (the name Microsoft.Extensions.AI.OpenAI uses).</summary>
    public const string StrictJsonSchema = "strictJsonSchema";

    /// <summary>Content: the image <c>detail</c> (<c>low</c>, <c>high</c>, <c>auto</c>) on a <c>DataContent</c> or <c>UriContent</c>.</summary>
    public const string ImageDetail = "detail";

    /// <summary>Reasoning: the raw <c>reasoning_details</c> array (a <c>JsonElement</c>) on a <c>TextReasoningContent</c>.</summary>
    public const string ReasoningDetails = "reasoning_details";

    /// <summary>Tool calls: the raw <c>extra_content</c> of a call (a <c>JsonElement</c>) on a <c>FunctionCallContent</c>, sent back with the call (Gemini's thought signatures).</summary>
    public const string ExtraContent = "extra_content";

    /// <summary>Response: the finish reason as the upstream provider reported it.</summary>
    public const string NativeFinishReason = "native_finish_reason";

    /// <summary>Response: the provider that served the request.</summary>
    public const string Provider = "provider";

    /// <summary>Response: the cost of the request in USD, a <see cref="decimal"/>.</summary>
    public const string Cost = "cost";

    /// <summary>Response: the system fingerprint.</summary>
    public const string SystemFingerprint = "system_fingerprint";

    /// <summary>Response: a refusal the model returned instead of content.</summary>
    public const string Refusal = "refusal";

    /// <summary>Usage: tokens written to the prompt cache.</summary>
    public const string CacheWriteTokens = "cache_write_tokens";

    /// <summary>Usage: audio tokens in the prompt.</summary>
    public const string InputAudioTokens = "input_audio_tokens";

    /// <summary>Usage: audio tokens in the completion.</summary>
    public const string OutputAudioTokens = "output_audio_tokens";
}
