using System.Text.Json;

namespace LlmConnectors.TestServers.OpenRouter;

/// <summary>A request <see cref="OpenRouterTestServer"/> received, with the exact body bytes as text.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The path, for example <c>/api/v1/chat/completions</c>.</param>
/// <param name="Headers">The headers (names as received; multiple values joined with a comma).</param>
/// <param name="Body">The body, decoded as UTF-8.</param>
public sealed record RecordedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body)
{
    /// <summary>Gets a header value, case-insensitively.</summary>
    /// <param name="name">The header name.</param>
    /// <returns>The value, or <see langword="null"/>.</returns>
    public string? Header(string name)
    {
        foreach (var (key, value) in Headers)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>Parses the body as JSON.</summary>
    /// <returns>The root element (a detached copy).</returns>
    public JsonElement Json()
    {
        using var document = JsonDocument.Parse(Body);
        return document.RootElement.Clone();
    }
}
