namespace LlmConnectors;

/// <summary>The prices of a model on OpenRouter, in USD; <see langword="null"/> where OpenRouter gives none.</summary>
public sealed record OpenRouterModelPricing
{
    /// <summary>Gets the price per prompt token.</summary>
    public decimal? Prompt { get; init; }

    /// <summary>Gets the price per completion token.</summary>
    public decimal? Completion { get; init; }

    /// <summary>Gets the price per request.</summary>
    public decimal? Request { get; init; }

    /// <summary>Gets the price per input image.</summary>
    public decimal? Image { get; init; }

    /// <summary>Gets the price per web search.</summary>
    public decimal? WebSearch { get; init; }

    /// <summary>Gets the price per internal reasoning token.</summary>
    public decimal? InternalReasoning { get; init; }

    /// <summary>Gets the price per prompt token read from the cache.</summary>
    public decimal? InputCacheRead { get; init; }

    /// <summary>Gets the price per prompt token written to the cache.</summary>
    public decimal? InputCacheWrite { get; init; }
}
