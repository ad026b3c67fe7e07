using System.Text.Json;
using System.Text.Json.Serialization;

namespace LlmConnectors.OpenAICompatible;

/// <summary>A <c>chat.completion</c> response, or a <c>chat.completion.chunk</c> when streaming (choices then carry <c>delta</c>).</summary>
internal sealed class ChatCompletionResponse
{
    [JsonPropertyName("id")]
    [JsonConverter(typeof(RepeatedStringConverter))]
    public string? Id { get; set; }

    /// <summary><c>chat.completion</c> or <c>chat.completion.chunk</c>.</summary>
    [JsonPropertyName("object")]
    [JsonConverter(typeof(RepeatedStringConverter))]
    public string? Object { get; set; }

    [JsonPropertyName("created")]
    public long? Created { get; set; }

    [JsonPropertyName("model")]
    [JsonConverter(typeof(RepeatedStringConverter))]
    public string? Model { get; set; }

    /// <summary>OpenRouter: the provider that served the request.</summary>
    [JsonPropertyName("provider")]
    [JsonConverter(typeof(RepeatedStringConverter))]
    public string? Provider { get; set; }

    [JsonPropertyName("system_fingerprint")]
    [JsonConverter(typeof(RepeatedStringConverter))]
    public string? SystemFingerprint { get; set; }

    [JsonPropertyName("choices")]
    public List<ChatCompletionChoice>? Choices { get; set; }

    [JsonPropertyName("usage")]
    public ChatCompletionUsage? Usage { get; set; }

    /// <summary>An error carried in a 200 body or in a streamed chunk.</summary>
    [JsonPropertyName("error")]
    public ErrorBody? Error { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

internal sealed class ChatCompletionChoice
{
    [JsonPropertyName("index")]
    public int Index { get; set; }

    [JsonPropertyName("message")]
    public ChatCompletionMessage? Message { get; set; }

    [JsonPropertyName("delta")]
    public ChatCompletionMessage? Delta { get; set; }

    /// <summary><c>stop</c>, <c>length</c>, <c>tool_calls</c>, <c>content_filter</c>, or OpenRouter's <c>error</c>.</summary>
    [JsonPropertyName("finish_reason")]
    [JsonConverter(typeof(RepeatedStringConverter))]
    public string? FinishReason { get; set; }

    /// <summary>OpenRouter: the finish reason as the upstream provider reported it.</summary>
    [JsonPropertyName("native_finish_reason")]
    [JsonConverter(typeof(RepeatedStringConverter))]
    public string? NativeFinishReason { get; set; }

    /// <summary>OpenRouter: an error that ended this choice.</summary>
    [JsonPropertyName("error")]
    public ErrorBody? Error { get; set; }

    [JsonPropertyName("logprobs")]
    public JsonElement? Logprobs { get; set; }
}

internal sealed class ChatCompletionUsage
{
    [JsonPropertyName("prompt_tokens")]
    public long? PromptTokens { get; set; }

    [JsonPropertyName("completion_tokens")]
    public long? CompletionTokens { get; set; }

    [JsonPropertyName("total_tokens")]
    public long? TotalTokens { get; set; }

    [JsonPropertyName("prompt_tokens_details")]
    public PromptTokensDetails? PromptTokensDetails { get; set; }

    [JsonPropertyName("completion_tokens_details")]
    public CompletionTokensDetails? CompletionTokensDetails { get; set; }

    /// <summary>OpenRouter: what the request cost, in USD (credits).</summary>
    [JsonPropertyName("cost")]
    public decimal? Cost { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

internal sealed class PromptTokensDetails
{
    [JsonPropertyName("cached_tokens")]
    public long? CachedTokens { get; set; }

    [JsonPropertyName("cache_write_tokens")]
    public long? CacheWriteTokens { get; set; }

    [JsonPropertyName("audio_tokens")]
    public long? AudioTokens { get; set; }
}

internal sealed class CompletionTokensDetails
{
    [JsonPropertyName("reasoning_tokens")]
    public long? ReasoningTokens { get; set; }

    [JsonPropertyName("audio_tokens")]
    public long? AudioTokens { get; set; }
}

/// <summary>The body of an error response: <c>{"error": {...}}</c>.</summary>
internal sealed class ErrorResponse
{
    [JsonPropertyName("error")]
    public ErrorBody? Error { get; set; }
}

internal sealed class ErrorBody
{
    [JsonPropertyName("message")]
    public string? Message { get; set; }

    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("param")]
    public string? Param { get; set; }

    /// <summary>OpenAI sends a string, OpenRouter a number; both are read as a string.</summary>
    [JsonPropertyName("code")]
    [JsonConverter(typeof(StringOrNumberConverter))]
    public string? Code { get; set; }

    /// <summary>OpenRouter: moderation reasons, the upstream provider's name and its raw error.</summary>
    [JsonPropertyName("metadata")]
    public JsonElement? Metadata { get; set; }
}
