namespace LlmConnectors;

/// <summary>Why a response failed JSON enforcement.</summary>
public enum JsonEnforcementFailureKind
{
    /// <summary>The response contains no JSON value, or it does not parse.</summary>
    InvalidJson = 0,

    /// <summary>The JSON value parses but violates the requested schema.</summary>
    SchemaViolation,

    /// <summary>The JSON value could not be deserialized to the requested .NET type, or the object failed its DataAnnotations.</summary>
    DeserializationFailed,
}
