using System.Text.Json;

namespace LlmConnectors.TestServers.Anthropic;

/// <summary>One message of a received Messages API request.</summary>
/// <param name="Role">The role (<c>user</c>, <c>assistant</c>; the CLI also sends <c>system</c>).</param>
/// <param name="Content">The content: a string or an array of content blocks.</param>
public sealed record ReceivedAnthropicMessage(string Role, JsonElement Content)
{
    /// <summary>Gets the concatenated text of the message (a string content, or its text blocks).</summary>
    public string Text => Content.ValueKind == JsonValueKind.String
        ? Content.GetString() ?? string.Empty
        : string.Concat(Content.EnumerateArray()
            .Where(b => b.TryGetProperty("type", out var t) && t.GetString() == "text")
            .Select(b => b.GetProperty("text").GetString()));

    /// <summary>Gets the content blocks of the given type (empty for a string content).</summary>
    /// <param name="type">The block type, for example <c>image</c>.</param>
    /// <returns>The blocks.</returns>
    public IReadOnlyList<JsonElement> Blocks(string type) => Content.ValueKind != JsonValueKind.Array
        ? []
        : [.. Content.EnumerateArray().Where(b => b.TryGetProperty("type", out var t) && t.GetString() == type)];
}
