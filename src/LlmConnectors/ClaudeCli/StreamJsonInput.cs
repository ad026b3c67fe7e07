using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace LlmConnectors.ClaudeCli;

/// <summary>Builds the stream-json lines the CLI reads on standard input (AOT-safe: <see cref="Utf8JsonWriter"/>, no reflection).</summary>
internal static class StreamJsonInput
{
    /// <summary>The <c>initialize</c> control request: the system prompt and the JSON schema of this request.</summary>
    public static byte[] Initialize(string requestId, IReadOnlyList<string> systemPrompt, JsonElement? jsonSchema) => Write(w =>
    {
        w.WriteString("type", "control_request");
        w.WriteString("request_id", requestId);
        w.WriteStartObject("request");
        w.WriteString("subtype", "initialize");
        w.WriteStartArray("systemPrompt");
        foreach (var part in systemPrompt)
        {
            w.WriteStringValue(part);
        }

        w.WriteEndArray();
        if (jsonSchema is { } schema)
        {
            w.WritePropertyName("jsonSchema");
            schema.WriteTo(w);
        }

        w.WriteEndObject();
    });

    /// <summary>
    /// The <c>apply_flag_settings</c> control request that switches the model without a validation call to the API and, with
    /// <paramref name="maxOutputTokens"/>, sets the output limit of the process's next calls (<c>CLAUDE_CODE_MAX_OUTPUT_TOKENS</c> in the
    /// settings' <c>env</c>, which the pinned CLI applies to its next API call: it becomes the request's <c>max_tokens</c>).
    /// </summary>
    public static byte[] FlagSettings(string requestId, string? model, int? maxOutputTokens = null) => Write(w =>
    {
        w.WriteString("type", "control_request");
        w.WriteString("request_id", requestId);
        w.WriteStartObject("request");
        w.WriteString("subtype", "apply_flag_settings");
        w.WriteStartObject("settings");
        if (model is not null)
        {
            w.WriteString("model", model);
        }

        if (maxOutputTokens is { } max)
        {
            w.WriteStartObject("env");
            w.WriteString("CLAUDE_CODE_MAX_OUTPUT_TOKENS", max.ToString(System.Globalization.CultureInfo.InvariantCulture));
            w.WriteEndObject();
        }

        w.WriteEndObject();
        w.WriteEndObject();
    });

    /// <summary>
    /// A user message, marked as content (see <see cref="ClaudeCliChannel"/>); with <paramref name="query"/> false it is appended to
    /// the transcript without starting a turn. With <paramref name="toolBlocks"/> (the request offers functions), function results
    /// are <c>tool_result</c> blocks.
    /// </summary>
    public static byte[] User(ChatMessage message, bool query, bool toolBlocks = false) => Write(w =>
    {
        w.WriteString("type", "user");
        ClaudeCliChannel.MarkAsContent(w);
        w.WriteStartObject("message");
        w.WriteString("role", "user");
        WriteContent(w, message, toolBlocks);
        w.WriteEndObject();
        if (!query)
        {
            w.WriteBoolean("shouldQuery", false);
        }
    });

    /// <summary>
    /// An assistant message of the history: appended to the transcript as it is read. With <paramref name="toolBlocks"/> (the request
    /// offers functions), function calls are <c>tool_use</c> blocks under the names the model knows them by.
    /// </summary>
    public static byte[] Assistant(ChatMessage message, bool toolBlocks = false) => Write(w =>
    {
        w.WriteString("type", "assistant");
        w.WriteStartObject("message");
        w.WriteString("role", "assistant");
        WriteContent(w, message, toolBlocks);
        w.WriteEndObject();
    });

    /// <summary>Tells whether a message has something the CLI can carry.</summary>
    public static bool HasContent(ChatMessage message) => message.Contents.Any(IsSupported);

    private static bool IsSupported(AIContent content) => content switch
    {
        TextContent t => !string.IsNullOrEmpty(t.Text),
        DataContent d => d.HasTopLevelMediaType("image") || d.MediaType == "application/pdf",
        UriContent u => u.HasTopLevelMediaType("image") && u.Uri.IsAbsoluteUri && (u.Uri.Scheme == Uri.UriSchemeHttps || u.Uri.Scheme == Uri.UriSchemeHttp),
        FunctionCallContent or FunctionResultContent => true,
        _ => false,
    };

    private static void WriteContent(Utf8JsonWriter w, ChatMessage message, bool toolBlocks)
    {
        w.WriteStartArray("content");
        foreach (var content in message.Contents)
        {
            switch (content)
            {
                case TextContent { Text.Length: > 0 } text:
                    WriteText(w, text.Text);
                    break;
                case DataContent data when data.HasTopLevelMediaType("image") || data.MediaType == "application/pdf":
                    w.WriteStartObject();
                    w.WriteString("type", data.HasTopLevelMediaType("image") ? "image" : "document");
                    w.WriteStartObject("source");
                    w.WriteString("type", "base64");
                    w.WriteString("media_type", data.MediaType);
                    w.WriteString("data", data.Base64Data.Span);
                    w.WriteEndObject();
                    w.WriteEndObject();
                    break;
                case UriContent uri when IsSupported(uri):
                    w.WriteStartObject();
                    w.WriteString("type", "image");
                    w.WriteStartObject("source");
                    w.WriteString("type", "url");
                    w.WriteString("url", uri.Uri.AbsoluteUri);
                    w.WriteEndObject();
                    w.WriteEndObject();
                    break;
                case FunctionCallContent call when toolBlocks:
                    w.WriteStartObject();
                    w.WriteString("type", "tool_use");
                    w.WriteString("id", call.CallId);
                    w.WriteString("name", ClaudeCliToolBridge.ModelToolName(call.Name));
                    w.WritePropertyName("input");
                    JsonSerializer.Serialize(w, call.Arguments ?? new Dictionary<string, object?>(), AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(IDictionary<string, object?>)));
                    w.WriteEndObject();
                    break;
                case FunctionResultContent result when toolBlocks:
                    w.WriteStartObject();
                    w.WriteString("type", "tool_result");
                    w.WriteString("tool_use_id", result.CallId);
                    w.WriteString("content", ClaudeCliToolBridge.ResultText(result));
                    if (result.Exception is not null)
                    {
                        w.WriteBoolean("is_error", true);
                    }

                    w.WriteEndObject();
                    break;
                case FunctionCallContent call:
                    WriteText(w, $"[tool call {call.Name} ({call.CallId}) with arguments {JsonSerializer.Serialize(call.Arguments, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(IDictionary<string, object?>)))}]");
                    break;
                case FunctionResultContent result:
                    WriteText(w, $"[tool result ({result.CallId}): {(result.Result is null ? "null" : JsonSerializer.Serialize(result.Result, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(object))))}]");
                    break;
                default:
                    break;
            }
        }

        w.WriteEndArray();
    }

    private static void WriteText(Utf8JsonWriter w, string text)
    {
        w.WriteStartObject();
        w.WriteString("type", "text");
        w.WriteString("text", text);
        w.WriteEndObject();
    }

    private static byte[] Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
