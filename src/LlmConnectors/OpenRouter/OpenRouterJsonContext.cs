using System.Text.Json;
using System.Text.Json.Serialization;

namespace LlmConnectors.OpenRouter;

/// <summary>Source-generated serialization of OpenRouter's typed request extras.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(OpenRouterProviderPreferences))]
[JsonSerializable(typeof(OpenRouterReasoningOptions))]
[JsonSerializable(typeof(IList<OpenRouterPlugin>))]
[JsonSerializable(typeof(IList<string>))]
[JsonSerializable(typeof(Dictionary<string, JsonElement>))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(string))]
internal sealed partial class OpenRouterJsonContext : JsonSerializerContext;
