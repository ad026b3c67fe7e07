using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.RegularExpressions;
using LlmConnectors.Json;
using Microsoft.Extensions.AI;

namespace LlmConnectors;

/// <summary>Creates the built-in <see cref="IChatResponseValidator"/>s.</summary>
public static class ChatResponseValidators
{
    private static readonly NotEmptyResponseValidator NotEmptyInstance = new();

    /// <summary>Rejects an answer without text, unless it calls a tool.</summary>
    /// <returns>A shared <see cref="NotEmptyResponseValidator"/>.</returns>
    public static IChatResponseValidator NotEmpty() => NotEmptyInstance;

    /// <summary>Requires the answer to contain a JSON value (bare, in a code fence, or in prose).</summary>
    /// <param name="requireBareJson">Whether the answer must be the JSON value alone.</param>
    /// <returns>A new <see cref="ValidJsonResponseValidator"/>.</returns>
    public static IChatResponseValidator ValidJson(bool requireBareJson = false) => new ValidJsonResponseValidator { RequireBareJson = requireBareJson };

    /// <summary>Requires the answer to contain a JSON value valid against a schema.</summary>
    /// <param name="schema">The JSON schema.</param>
    /// <returns>A new <see cref="JsonSchemaResponseValidator"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="schema"/> is neither an object nor a boolean.</exception>
    public static IChatResponseValidator JsonSchema(JsonElement schema) => new JsonSchemaResponseValidator(schema);

    /// <summary>Requires the answer's text to match a regular expression.</summary>
    /// <param name="pattern">The regular expression (.NET syntax).</param>
    /// <param name="options">The regular expression options.</param>
    /// <param name="errorMessage">The error sent to the model; a default naming the pattern when <see langword="null"/>.</param>
    /// <returns>A new <see cref="RegexResponseValidator"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="pattern"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="pattern"/> is not a valid regular expression.</exception>
    public static IChatResponseValidator Regex(
        [StringSyntax(StringSyntaxAttribute.Regex)] string pattern, RegexOptions options = RegexOptions.None, string? errorMessage = null) =>
        new RegexResponseValidator(pattern, options, errorMessage);

    /// <summary>Requires the answer's text to be at most <paramref name="maxLength"/> characters long.</summary>
    /// <param name="maxLength">The maximum length.</param>
    /// <returns>A new <see cref="MaxLengthResponseValidator"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxLength"/> is negative.</exception>
    public static IChatResponseValidator MaxLength(int maxLength) => new MaxLengthResponseValidator(maxLength);

    /// <summary>Requires the answer to satisfy a predicate.</summary>
    /// <param name="predicate">Returns <see langword="true"/> for a valid answer.</param>
    /// <param name="errorMessage">The error sent to the model otherwise.</param>
    /// <returns>A new <see cref="PredicateResponseValidator"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="predicate"/> or <paramref name="errorMessage"/> is <see langword="null"/>.</exception>
    public static IChatResponseValidator Predicate(Func<ChatResponse, bool> predicate, string errorMessage) => new PredicateResponseValidator(predicate, errorMessage);

    /// <summary>Requires the answer to contain JSON that deserializes to <typeparamref name="T"/> and passes its DataAnnotations.</summary>
    /// <typeparam name="T">The type the answer must deserialize to.</typeparam>
    /// <param name="options">How the answer is deserialized and checked.</param>
    /// <returns>A new <see cref="DeserializesToResponseValidator{T}"/>.</returns>
    [RequiresUnreferencedCode(JsonResultDeserializer.RequiresUnreferencedCodeMessage)]
    public static IChatResponseValidator DeserializesTo<T>(JsonResponseOptions? options = null) => new DeserializesToResponseValidator<T>(options);
}
