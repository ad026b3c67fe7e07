namespace LlmConnectors;

/// <summary>
/// One violation of a JSON schema, short enough to send back to the model that produced the value.
/// </summary>
/// <param name="Path">Where the violation is, as a JSONPath-style location (<c>$.items[2].price</c>).</param>
/// <param name="JsonPointer">Where the violation is, as an RFC 6901 JSON pointer (<c>/items/2/price</c>; empty for the root).</param>
/// <param name="Keyword">The schema keyword that failed, for example <c>type</c>, <c>required</c> or <c>additionalProperties</c>.</param>
/// <param name="Message">What is wrong, as JsonSchema.Net words it, for example <c>Value is "string" but should be "number"</c>.</param>
public sealed record JsonValidationError(string Path, string JsonPointer, string Keyword, string Message)
{
    /// <summary>Returns the error as <c>path: keyword: message</c>, the form sent back to the model.</summary>
    /// <returns>For example <c>$.items[2].price: type: Value is "string" but should be "number"</c>.</returns>
    public override string ToString() => $"{Path}: {Keyword}: {Message}";
}
