namespace LlmConnectors;

/// <summary>
/// One violation of a JSON schema, worded for the model that produced the value.
/// </summary>
/// <param name="Path">Where the violation is, as a JSONPath-style location (<c>$.items[2].price</c>).</param>
/// <param name="JsonPointer">Where the violation is, as an RFC 6901 JSON pointer (<c>/items/2/price</c>; empty for the root).</param>
/// <param name="Message">What is wrong, for example <c>expected number, got string</c>.</param>
public sealed record JsonValidationError(string Path, string JsonPointer, string Message)
{
    /// <summary>Returns the error as <c>path: message</c>, the form sent back to the model.</summary>
    /// <returns>For example <c>$.items[2].price: expected number, got string</c>.</returns>
    public override string ToString() => $"{Path}: {Message}";
}
