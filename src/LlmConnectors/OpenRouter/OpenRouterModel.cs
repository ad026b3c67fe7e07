namespace LlmConnectors;

/// <summary>One model of OpenRouter's catalogue (<c>GET /models</c>).</summary>
public sealed record OpenRouterModel
{
    /// <summary>Gets the model id to send, for example <c>openai/gpt-4o-mini</c>.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the display name.</summary>
    public string? Name { get; init; }

    /// <summary>Gets the description.</summary>
    public string? Description { get; init; }

    /// <summary>Gets when the model was added to OpenRouter.</summary>
    public DateTimeOffset? Created { get; init; }

    /// <summary>Gets the context window, in tokens.</summary>
    public long? ContextLength { get; init; }

    /// <summary>Gets the most tokens the top provider generates per request.</summary>
    public long? MaxCompletionTokens { get; init; }

    /// <summary>Gets the prices, in USD per token or per request.</summary>
    public OpenRouterModelPricing Pricing { get; init; } = new();

    /// <summary>Gets the input modalities: <c>text</c>, <c>image</c>, <c>file</c>, <c>audio</c>, ...</summary>
    public IReadOnlyList<string> InputModalities { get; init; } = [];

    /// <summary>Gets the output modalities: <c>text</c>, <c>image</c>, ...</summary>
    public IReadOnlyList<string> OutputModalities { get; init; } = [];

    /// <summary>Gets the request parameters the model supports: <c>tools</c>, <c>response_format</c>, <c>structured_outputs</c>, <c>reasoning</c>, ...</summary>
    public IReadOnlyList<string> SupportedParameters { get; init; } = [];

    /// <summary>Tells whether the model accepts a request parameter.</summary>
    /// <param name="parameter">The parameter, for example <c>tools</c>.</param>
    /// <returns><see langword="true"/> when <see cref="SupportedParameters"/> lists it.</returns>
    public bool Supports(string parameter) => SupportedParameters.Contains(parameter, StringComparer.Ordinal);

    /// <summary>Tells whether the model accepts an input modality.</summary>
    /// <param name="modality">The modality, for example <c>image</c>.</param>
    /// <returns><see langword="true"/> when <see cref="InputModalities"/> lists it.</returns>
    public bool Accepts(string modality) => InputModalities.Contains(modality, StringComparer.Ordinal);
}
