using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace LlmConnectors.Json;

/// <summary>
/// The response format for a result type, the same as MEAI's <c>GetResponseAsync&lt;T&gt;</c> sends: the schema of
/// <see cref="ChatResponseFormat.ForJsonSchema{T}"/>, wrapped in an object with one required property, <c>data</c>, when its
/// type is not "object" (native structured output of most providers takes only objects). One per result type and serializer
/// options, so that middlewares can cache by format.
/// </summary>
/// <typeparam name="T">The result type.</typeparam>
internal static class JsonResultFormat<T>
{
    private static readonly ConditionalWeakTable<JsonSerializerOptions, Entry> Formats = [];

    public static Entry Get(JsonSerializerOptions options) => Formats.GetValue(options, static o => Create(o));

    private static Entry Create(JsonSerializerOptions options)
    {
        var format = ChatResponseFormat.ForJsonSchema<T>(options);
        var schema = format.Schema!.Value;
        if (schema.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.ValueEquals("object"))
        {
            return new Entry(format, Wrapped: false);
        }

        var wrapped = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["type"] = "object",
            ["properties"] = new JsonObject { [JsonResultDeserializer.WrapperProperty] = JsonNode.Parse(schema.GetRawText()) },
            ["additionalProperties"] = false,
            ["required"] = new JsonArray(JsonResultDeserializer.WrapperProperty),
        };
        var element = JsonSerializer.SerializeToElement(wrapped, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(JsonNode)));
        return new Entry(ChatResponseFormat.ForJsonSchema(element, format.SchemaName, format.SchemaDescription), Wrapped: true);
    }

    /// <summary>A response format and whether it wraps the value in <c>{"data": ...}</c>.</summary>
    /// <param name="Format">The response format.</param>
    /// <param name="Wrapped">Whether the value travels wrapped.</param>
    internal sealed record Entry(ChatResponseFormatJson Format, bool Wrapped);
}
