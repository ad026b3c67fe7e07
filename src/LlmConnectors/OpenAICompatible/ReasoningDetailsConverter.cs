using System.Text.Json;
using System.Text.Json.Serialization;

namespace LlmConnectors.OpenAICompatible;

/// <summary>
/// Reads <c>reasoning_details</c> as raw JSON, except the empty array OpenRouter sends in every chunk of a model that does not reason:
/// that is read as <see langword="null"/>, without allocating a document per chunk. Writes the element unchanged.
/// </summary>
internal sealed class ReasoningDetailsConverter : JsonConverter<JsonElement?>
{
    public override bool HandleNull => true;

    public override JsonElement? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType == JsonTokenType.StartArray)
        {
            var probe = reader;
            if (probe.Read() && probe.TokenType == JsonTokenType.EndArray)
            {
                reader.Read();
                return null;
            }
        }

        return JsonElement.ParseValue(ref reader);
    }

    public override void Write(Utf8JsonWriter writer, JsonElement? value, JsonSerializerOptions options)
    {
        if (value is { } element)
        {
            element.WriteTo(writer);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}
