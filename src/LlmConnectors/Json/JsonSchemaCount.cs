using System.Text.Json;

namespace LlmConnectors.Json;

/// <summary>A count keyword (<c>minItems</c>, <c>maxProperties</c>, ...), read once.</summary>
internal readonly struct JsonSchemaCount
{
    private readonly JsonElement _element;
    private readonly int _value;
    private readonly bool _present;
    private readonly bool _isInt32;

    private JsonSchemaCount(JsonElement element)
    {
        _element = element;
        _present = true;
        _isInt32 = element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out _value);
    }

    public static JsonSchemaCount Create(JsonElement element) => new(element);

    /// <summary>Reads the count like <see cref="JsonElement.TryGetInt32(out int)"/> on the keyword's value.</summary>
    /// <exception cref="InvalidOperationException">The keyword's value is not a number (as <see cref="JsonElement.TryGetInt32(out int)"/> throws).</exception>
    public bool TryGetValue(out int value)
    {
        if (_isInt32)
        {
            value = _value;
            return true;
        }

        if (!_present)
        {
            value = 0;
            return false;
        }

        // Not an Int32: a number answers false, any other value throws, exactly as the keyword read on every validation did.
        return _element.TryGetInt32(out value);
    }
}
