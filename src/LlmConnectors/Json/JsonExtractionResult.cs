using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace LlmConnectors;

/// <summary>The outcome of <see cref="JsonTextExtractor.Extract(string?)"/>.</summary>
public sealed class JsonExtractionResult
{
    private JsonExtractionResult(string? json, JsonElement value, JsonExtractionSource source, string? error)
    {
        Json = json;
        Value = value;
        Source = source;
        Error = error;
    }

    /// <summary>Gets a value indicating whether a JSON value was found and parses.</summary>
    [MemberNotNullWhen(true, nameof(Json))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Success => Error is null;

    /// <summary>Gets the JSON text exactly as it appeared in the response (without fences, prose or surrounding white space).</summary>
    public string? Json { get; }

    /// <summary>Gets the parsed value; <see langword="default"/> when <see cref="Success"/> is <see langword="false"/>.</summary>
    public JsonElement Value { get; }

    /// <summary>Gets where the value was found.</summary>
    public JsonExtractionSource Source { get; }

    /// <summary>Gets why no JSON value could be extracted, worded for the model; <see langword="null"/> on success.</summary>
    public string? Error { get; }

    internal static JsonExtractionResult Succeeded(string json, JsonElement value, JsonExtractionSource source) => new(json, value, source, null);

    internal static JsonExtractionResult Failed(string error) => new(null, default, JsonExtractionSource.None, error);
}
