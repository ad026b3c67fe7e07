using System.Text.Json;

namespace LlmConnectors.TestServers.Anthropic;

/// <summary>A request <see cref="ScriptedAnthropicServer"/> received: the raw body and its parsed parts.</summary>
public sealed class ReceivedAnthropicRequest
{
    internal ReceivedAnthropicRequest(string path, string rawJson, IReadOnlyDictionary<string, string> headers)
    {
        Path = path;
        RawJson = rawJson;
        Headers = headers;
        using var document = JsonDocument.Parse(rawJson);
        var root = document.RootElement;
        Model = root.TryGetProperty("model", out var model) ? model.GetString() : null;
        Stream = root.TryGetProperty("stream", out var stream) && stream.ValueKind == JsonValueKind.True;
        if (root.TryGetProperty("system", out var system))
        {
            System = system.ValueKind == JsonValueKind.String
                ? [system.GetString() ?? string.Empty]
                : [.. system.EnumerateArray().Select(b => b.TryGetProperty("text", out var t) ? t.GetString() ?? string.Empty : string.Empty)];
        }

        if (root.TryGetProperty("tools", out var tools) && tools.ValueKind == JsonValueKind.Array)
        {
            Tools = [.. tools.EnumerateArray().Select(t => t.GetProperty("name").GetString() ?? string.Empty)];
            ToolDefinitions = [.. tools.EnumerateArray().Select(t => t.Clone())];
        }

        if (root.TryGetProperty("messages", out var messages))
        {
            Messages = [.. messages.EnumerateArray().Select(m => new ReceivedAnthropicMessage(m.GetProperty("role").GetString() ?? string.Empty, m.GetProperty("content").Clone()))];
        }
    }

    /// <summary>Gets the request path and query (for example <c>/v1/messages?beta=true</c>).</summary>
    public string Path { get; }

    /// <summary>Gets the raw JSON body.</summary>
    public string RawJson { get; }

    /// <summary>Gets the request headers (last value per name; names lower-case).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>Gets the requested model.</summary>
    public string? Model { get; }

    /// <summary>Gets a value indicating whether a streamed answer was asked for.</summary>
    public bool Stream { get; }

    /// <summary>Gets the text of each <c>system</c> block.</summary>
    public IReadOnlyList<string> System { get; } = [];

    /// <summary>Gets the names of the offered tools.</summary>
    public IReadOnlyList<string> Tools { get; } = [];

    /// <summary>Gets the offered tools as received (<c>name</c>, <c>description</c>, <c>input_schema</c>, ...).</summary>
    public IReadOnlyList<JsonElement> ToolDefinitions { get; } = [];

    /// <summary>Gets the messages, in order (the CLI also sends a <c>system</c>-role message with its environment notes).</summary>
    public IReadOnlyList<ReceivedAnthropicMessage> Messages { get; } = [];

    /// <summary>Gets the messages of the user and assistant roles only, in order.</summary>
    public IReadOnlyList<ReceivedAnthropicMessage> ConversationMessages => [.. Messages.Where(m => m.Role is "user" or "assistant")];
}
