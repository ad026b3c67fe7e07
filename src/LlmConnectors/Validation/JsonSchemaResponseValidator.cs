using System.Text.Json;
using Microsoft.Extensions.AI;

namespace LlmConnectors;

/// <summary>Requires the answer to contain a JSON value valid against a JSON schema (see <see cref="JsonSchemaValidator"/>).</summary>
public sealed class JsonSchemaResponseValidator : IChatResponseValidator
{
    private readonly JsonSchemaValidator _validator;

    /// <summary>Initializes a new instance of the <see cref="JsonSchemaResponseValidator"/> class.</summary>
    /// <param name="schema">The JSON schema: an object or a boolean.</param>
    /// <exception cref="ArgumentException"><paramref name="schema"/> is neither an object nor a boolean.</exception>
    public JsonSchemaResponseValidator(JsonElement schema)
    {
        _validator = new JsonSchemaValidator(schema);
    }

    /// <summary>Gets the schema the answer must match.</summary>
    public JsonElement Schema => _validator.Schema;

    /// <summary>Gets or sets a value indicating whether the answer must be the JSON value alone (no code fence, no prose).</summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool RequireBareJson { get; set; }

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="response"/> is <see langword="null"/>.</exception>
    public ValueTask<ChatResponseValidationResult> ValidateAsync(ChatResponse response, ChatResponseValidationContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(response);
        var extraction = JsonTextExtractor.Extract(response.Text);
        if (!extraction.Success)
        {
            return new(ChatResponseValidationResult.Failure(extraction.Error));
        }

        if (RequireBareJson && extraction.Source != JsonExtractionSource.WholeText)
        {
            return new(ChatResponseValidationResult.Failure(ValidJsonResponseValidator.BareJsonErrorMessage));
        }

        var errors = _validator.Validate(extraction.Value);
        if (errors.Count == 0)
        {
            return new(ChatResponseValidationResult.Success);
        }

        var messages = new string[errors.Count];
        for (var i = 0; i < messages.Length; i++)
        {
            messages[i] = errors[i].ToString();
        }

        return new(ChatResponseValidationResult.Failure(messages));
    }
}
