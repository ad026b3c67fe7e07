using System.Text.Json;
using System.Text.Json.Serialization;

namespace LlmConnectors.OpenAICompatible;

/// <summary>
/// Reads strings that repeat in every streamed chunk (<c>id</c>, <c>object</c>, <c>model</c>, <c>provider</c>, <c>role</c>, finish
/// reasons) without allocating a new string each time: the last few values read on the thread are kept with their UTF-8 bytes, and a
/// value equal to one of them returns the same instance. Writes like the default converter.
/// </summary>
internal sealed class RepeatedStringConverter : JsonConverter<string>
{
    private const int CacheSize = 8;
    private const int MaxCachedLength = 128;

    [ThreadStatic]
    private static Entry[]? t_cache;

    [ThreadStatic]
    private static int t_next;

    public override bool HandleNull => false;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException($"Expected a string, not {MessageContentConverter.DescribeToken(reader.TokenType)}.");
        }

        if (reader.HasValueSequence || reader.ValueIsEscaped || reader.ValueSpan.Length > MaxCachedLength)
        {
            return reader.GetString();
        }

        var utf8 = reader.ValueSpan;
        var cache = t_cache ??= new Entry[CacheSize];
        for (var i = 0; i < cache.Length; i++)
        {
            var entry = cache[i];
            if (entry.Value is not null && utf8.SequenceEqual(entry.Utf8))
            {
                return entry.Value;
            }
        }

        var value = reader.GetString()!;
        cache[t_next] = new Entry(utf8.ToArray(), value);
        t_next = (t_next + 1) % CacheSize;
        return value;
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);

    private readonly record struct Entry(byte[] Utf8, string Value);
}
