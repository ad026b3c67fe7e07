using System.Text.Json.Serialization;

namespace LlmConnectors;

/// <summary>
/// OpenRouter's unified <c>reasoning</c> request member. Set either <see cref="Effort"/> or <see cref="MaxTokens"/>; OpenRouter
/// translates it for the model (OpenAI effort levels, Anthropic and Gemini thinking budgets).
/// </summary>
/// <remarks>
/// When this is not set, <c>ChatOptions.Reasoning</c> is mapped instead: its <c>Effort</c> to <see cref="Effort"/>, and
/// <c>Output = None</c> to <see cref="Exclude"/>.
/// </remarks>
public sealed class OpenRouterReasoningOptions
{
    /// <summary>Gets or sets the effort: <c>xhigh</c>, <c>high</c>, <c>medium</c>, <c>low</c>, <c>minimal</c> or <c>none</c>.</summary>
    [JsonPropertyName("effort")]
    public string? Effort { get; set; }

    /// <summary>Gets or sets the reasoning token budget (Anthropic and Gemini thinking models).</summary>
    [JsonPropertyName("max_tokens")]
    public int? MaxTokens { get; set; }

    /// <summary>Gets or sets a value indicating whether the model reasons without returning its reasoning in the response.</summary>
    [JsonPropertyName("exclude")]
    public bool? Exclude { get; set; }

    /// <summary>Gets or sets a value indicating whether reasoning is on, at the model's default effort.</summary>
    [JsonPropertyName("enabled")]
    public bool? Enabled { get; set; }
}
