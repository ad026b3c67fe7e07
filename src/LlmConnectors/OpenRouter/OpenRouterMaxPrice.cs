using System.Text.Json.Serialization;

namespace LlmConnectors;

/// <summary>The <c>max_price</c> of OpenRouter's provider preferences: requests are only routed to providers at or below these prices.</summary>
public sealed class OpenRouterMaxPrice
{
    /// <summary>Gets or sets the highest price for prompt tokens, in USD per million tokens.</summary>
    [JsonPropertyName("prompt")]
    public decimal? Prompt { get; set; }

    /// <summary>Gets or sets the highest price for completion tokens, in USD per million tokens.</summary>
    [JsonPropertyName("completion")]
    public decimal? Completion { get; set; }

    /// <summary>Gets or sets the highest price per request, in USD.</summary>
    [JsonPropertyName("request")]
    public decimal? Request { get; set; }

    /// <summary>Gets or sets the highest price per image, in USD.</summary>
    [JsonPropertyName("image")]
    public decimal? Image { get; set; }
}
