using System.Text.Json.Serialization;

namespace LlmConnectors;

/// <summary>
/// OpenRouter's <c>provider</c> routing preferences: which upstream providers may serve a request, in which order, and under which
/// conditions. Every member is optional; unset members are not sent.
/// </summary>
public sealed class OpenRouterProviderPreferences
{
    /// <summary>Gets or sets the provider slugs to try first, in order (for example <c>["anthropic", "openai"]</c>).</summary>
    [JsonPropertyName("order")]
    public IList<string>? Order { get; set; }

    /// <summary>Gets or sets the only provider slugs allowed to serve the request.</summary>
    [JsonPropertyName("only")]
    public IList<string>? Only { get; set; }

    /// <summary>Gets or sets the provider slugs never to use.</summary>
    [JsonPropertyName("ignore")]
    public IList<string>? Ignore { get; set; }

    /// <summary>Gets or sets a value indicating whether providers outside <see cref="Order"/> may serve the request when those fail. OpenRouter's default: <see langword="true"/>.</summary>
    [JsonPropertyName("allow_fallbacks")]
    public bool? AllowFallbacks { get; set; }

    /// <summary>Gets or sets a value indicating whether only providers that support every parameter of the request may serve it.</summary>
    [JsonPropertyName("require_parameters")]
    public bool? RequireParameters { get; set; }

    /// <summary>Gets or sets <c>allow</c> or <c>deny</c>: whether providers that may store or train on data may serve the request.</summary>
    [JsonPropertyName("data_collection")]
    public string? DataCollection { get; set; }

    /// <summary>Gets or sets a value indicating whether only zero-data-retention endpoints may serve the request.</summary>
    [JsonPropertyName("zdr")]
    public bool? Zdr { get; set; }

    /// <summary>Gets or sets the accepted quantization levels (<c>int4</c>, <c>int8</c>, <c>fp8</c>, <c>fp16</c>, <c>bf16</c>, ...).</summary>
    [JsonPropertyName("quantizations")]
    public IList<string>? Quantizations { get; set; }

    /// <summary>Gets or sets how to rank providers when no <see cref="Order"/> is given: <c>price</c>, <c>throughput</c> or <c>latency</c>.</summary>
    [JsonPropertyName("sort")]
    public string? Sort { get; set; }

    /// <summary>Gets or sets the highest price accepted, in USD per million tokens (per request or per image where stated).</summary>
    [JsonPropertyName("max_price")]
    public OpenRouterMaxPrice? MaxPrice { get; set; }
}
