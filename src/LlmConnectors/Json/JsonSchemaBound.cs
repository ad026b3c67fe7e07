using System.Text.Json;

namespace LlmConnectors.Json;

/// <summary>A numeric keyword (<c>minimum</c>, <c>multipleOf</c>, ...), read once; set only when its value is a number.</summary>
internal readonly struct JsonSchemaBound
{
    private readonly JsonElement _element;
    private readonly double _value;
    private readonly bool _parsed;

    private JsonSchemaBound(JsonElement element)
    {
        _element = element;
        IsSet = true;
        _parsed = element.TryGetDouble(out _value);
    }

    /// <summary>Gets a value indicating whether the keyword is present and a number.</summary>
    public bool IsSet { get; }

    /// <summary>Gets the keyword's value as written in the schema, for error messages.</summary>
    public string RawText => _element.GetRawText();

    public static JsonSchemaBound Create(JsonElement element) =>
        element.ValueKind == JsonValueKind.Number ? new(element) : default;

    /// <summary>Gets the value like <see cref="JsonElement.GetDouble"/> (which throws when the number does not fit a double).</summary>
    public double GetValue() => _parsed ? _value : _element.GetDouble();
}
