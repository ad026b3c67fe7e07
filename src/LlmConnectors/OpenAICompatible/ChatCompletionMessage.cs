using System.Text.Json;
using System.Text.Json.Serialization;

namespace LlmConnectors.OpenAICompatible;

/// <summary>One message of a request, the message of a response choice, or the delta of a streamed chunk.</summary>
internal sealed class ChatCompletionMessage
{
    /// <summary><c>system</c>, <c>developer</c>, <c>user</c>, <c>assistant</c> or <c>tool</c>.</summary>
    [JsonPropertyName("role")]
    [JsonConverter(typeof(RepeatedStringConverter))]
    public string? Role { get; set; }

    [JsonPropertyName("content")]
    public MessageContent? Content { get; set; }

    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("tool_calls")]
    public List<ToolCall>? ToolCalls { get; set; }

    [JsonPropertyName("tool_call_id")]
    public string? ToolCallId { get; set; }

    [JsonPropertyName("refusal")]
    public string? Refusal { get; set; }

    /// <summary>OpenRouter's plain-text reasoning.</summary>
    [JsonPropertyName("reasoning")]
    public string? Reasoning { get; set; }

    /// <summary>OpenRouter's structured reasoning blocks, kept raw so that they go back to the provider byte for byte.</summary>
    [JsonPropertyName("reasoning_details")]
    [JsonConverter(typeof(ReasoningDetailsConverter))]
    public JsonElement? ReasoningDetails { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>A message's <c>content</c>: a plain string, or an array of parts.</summary>
[JsonConverter(typeof(MessageContentConverter))]
internal sealed class MessageContent
{
    /// <summary>Gets or sets the content when it is a plain string.</summary>
    public string? Text { get; set; }

    /// <summary>Gets or sets the content when it is an array of parts.</summary>
    public List<ContentPart>? Parts { get; set; }
}

internal sealed class ContentPart
{
    /// <summary><c>text</c>, <c>image_url</c>, <c>file</c> or <c>input_audio</c>.</summary>
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("text")]
    public string? Text { get; set; }

    [JsonPropertyName("image_url")]
    public ImageUrlPart? ImageUrl { get; set; }

    [JsonPropertyName("file")]
    public FilePart? File { get; set; }

    [JsonPropertyName("input_audio")]
    public InputAudioPart? InputAudio { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

internal sealed class ImageUrlPart
{
    /// <summary>An http(s) URL or a <c>data:</c> URL.</summary>
    [JsonPropertyName("url")]
    public string? Url { get; set; }

    [JsonPropertyName("detail")]
    public string? Detail { get; set; }
}

internal sealed class FilePart
{
    [JsonPropertyName("filename")]
    public string? Filename { get; set; }

    /// <summary>A <c>data:</c> URL (for example a base64 PDF) or, for OpenRouter, a public URL.</summary>
    [JsonPropertyName("file_data")]
    public string? FileData { get; set; }

    [JsonPropertyName("file_id")]
    public string? FileId { get; set; }
}

internal sealed class InputAudioPart
{
    /// <summary>Base64 audio.</summary>
    [JsonPropertyName("data")]
    public string? Data { get; set; }

    /// <summary><c>wav</c>, <c>mp3</c>, ...</summary>
    [JsonPropertyName("format")]
    public string? Format { get; set; }
}

internal sealed class ToolCall
{
    /// <summary>The position of this call in a streamed delta.</summary>
    [JsonPropertyName("index")]
    public int? Index { get; set; }

    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("function")]
    public FunctionCall? Function { get; set; }

    /// <summary>Provider extras on one call (Gemini's <c>{"google":{"thought_signature":"..."}}</c>), kept raw so that they go back unchanged.</summary>
    [JsonPropertyName("extra_content")]
    public JsonElement? ExtraContent { get; set; }
}

internal sealed class FunctionCall
{
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    /// <summary>The arguments as a JSON string; in a streamed delta, a fragment of it.</summary>
    [JsonPropertyName("arguments")]
    public string? Arguments { get; set; }
}
