namespace LlmConnectors.Json;

/// <summary>What a compiled schema element is.</summary>
internal enum JsonSchemaNodeKind
{
    /// <summary>Neither an object nor a boolean: accepts everything, as the validator always did.</summary>
    Ignored,

    /// <summary>The <c>true</c> schema: accepts everything.</summary>
    True,

    /// <summary>The <c>false</c> schema: accepts nothing.</summary>
    False,

    /// <summary>A schema object with keywords.</summary>
    Object,
}
