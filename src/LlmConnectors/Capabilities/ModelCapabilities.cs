namespace LlmConnectors;

/// <summary>
/// What a model behind a leaf client accepts. Middlewares ask for it through
/// <see cref="IModelCapabilityProvider"/>, never by checking the concrete client type.
/// </summary>
public sealed record ModelCapabilities
{
    /// <summary>Gets the model these capabilities describe.</summary>
    public required string ModelId { get; init; }

    /// <summary>Gets a value indicating whether the model accepts images in user messages.</summary>
    public bool SupportsImages { get; init; }

    /// <summary>Gets a value indicating whether the model accepts files such as PDFs.</summary>
    public bool SupportsFiles { get; init; }

    /// <summary>Gets a value indicating whether the client can enforce <c>response_format: json_object</c> natively.</summary>
    public bool SupportsJsonObject { get; init; }

    /// <summary>Gets a value indicating whether the client can enforce a JSON schema natively (structured output).</summary>
    public bool SupportsJsonSchema { get; init; }

    /// <summary>Gets a value indicating whether the model accepts tool (function) definitions.</summary>
    public bool SupportsTools { get; init; }

    /// <summary>Gets the context window in tokens, when known.</summary>
    public int? ContextLength { get; init; }
}
