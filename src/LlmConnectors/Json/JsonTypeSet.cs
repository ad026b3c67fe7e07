namespace LlmConnectors.Json;

/// <summary>The JSON types a <c>type</c> keyword allows.</summary>
[Flags]
internal enum JsonTypeSet
{
    None = 0,
    Object = 1,
    Array = 2,
    String = 4,
    Number = 8,
    Integer = 16,
    Boolean = 32,
    Null = 64,

    /// <summary>An unknown type name: treated as matching every value.</summary>
    Any = 128,
}
