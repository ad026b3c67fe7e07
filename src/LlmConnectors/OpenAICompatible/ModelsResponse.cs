using System.Text.Json;
using System.Text.Json.Serialization;

namespace LlmConnectors.OpenAICompatible;

/// <summary>The body of <c>GET /models</c>: OpenAI's list shape, with OpenRouter's catalogue members.</summary>
internal sealed class ModelsResponse
{
    [JsonPropertyName("object")]
    public string? Object { get; set; }

    [JsonPropertyName("data")]
    public List<ModelEntry>? Data { get; set; }
}

internal sealed class ModelEntry
{
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("object")]
    public string? Object { get; set; }

    [JsonPropertyName("created")]
    public long? Created { get; set; }

    [JsonPropertyName("owned_by")]
    public string? OwnedBy { get; set; }

    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("description")]
    public string? Description { get; set; }

    [JsonPropertyName("context_length")]
    public long? ContextLength { get; set; }

    [JsonPropertyName("architecture")]
    public ModelArchitecture? Architecture { get; set; }

    [JsonPropertyName("pricing")]
    public Dictionary<string, JsonElement>? Pricing { get; set; }

    [JsonPropertyName("top_provider")]
    public TopProvider? TopProvider { get; set; }

    [JsonPropertyName("supported_parameters")]
    public List<string>? SupportedParameters { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

internal sealed class ModelArchitecture
{
    [JsonPropertyName("modality")]
    public string? Modality { get; set; }

    [JsonPropertyName("input_modalities")]
    public List<string>? InputModalities { get; set; }

    [JsonPropertyName("output_modalities")]
    public List<string>? OutputModalities { get; set; }

    [JsonPropertyName("tokenizer")]
    public string? Tokenizer { get; set; }
}

internal sealed class TopProvider
{
    [JsonPropertyName("context_length")]
    public long? ContextLength { get; set; }

    [JsonPropertyName("max_completion_tokens")]
    public long? MaxCompletionTokens { get; set; }

    [JsonPropertyName("is_moderated")]
    public bool? IsModerated { get; set; }
}
