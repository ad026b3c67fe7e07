namespace LlmConnectors;

/// <summary>Where <see cref="JsonTextExtractor"/> found the JSON value in a response text.</summary>
public enum JsonExtractionSource
{
    /// <summary>No JSON value was found.</summary>
    None = 0,

    /// <summary>The whole text, after trimming white space and a byte order mark, is the JSON value.</summary>
    WholeText,

    /// <summary>The value is the content of a Markdown code fence (<c>```</c> or <c>~~~</c>).</summary>
    CodeFence,

    /// <summary>The value is an object or array surrounded by prose.</summary>
    EmbeddedInProse,
}
