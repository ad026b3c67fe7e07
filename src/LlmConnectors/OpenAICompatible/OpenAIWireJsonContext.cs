using System.Text.Json;
using System.Text.Json.Serialization;

namespace LlmConnectors.OpenAICompatible;

/// <summary>Source-generated serialization for the OpenAI-compatible wire types (no reflection, trimming- and AOT-safe).</summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowTrailingCommas = false,
    ReadCommentHandling = JsonCommentHandling.Disallow)]
[JsonSerializable(typeof(ChatCompletionRequest))]
[JsonSerializable(typeof(ChatCompletionResponse))]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(List<ErrorResponse>))]
[JsonSerializable(typeof(ModelsResponse))]
[JsonSerializable(typeof(List<ContentPart>))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(Dictionary<string, JsonElement>))]
[JsonSerializable(typeof(List<JsonElement>))]
internal sealed partial class OpenAIWireJsonContext : JsonSerializerContext;
