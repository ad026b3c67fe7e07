using Microsoft.Extensions.AI;

namespace LlmConnectors;

/// <summary>Requires the answer to contain a JSON value, found as <see cref="JsonTextExtractor"/> finds it.</summary>
public sealed class ValidJsonResponseValidator : IChatResponseValidator
{
    /// <summary>The error sent to the model when <see cref="RequireBareJson"/> is set and the JSON is wrapped in a fence or prose.</summary>
    public const string BareJsonErrorMessage = "the answer must be the JSON value alone, without code fences or any text before or after it";

    /// <summary>Gets or sets a value indicating whether the answer must be the JSON value alone (no code fence, no prose).</summary>
    /// <value>The default is <see langword="false"/>: JSON inside a code fence or prose passes.</value>
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

        return new(RequireBareJson && extraction.Source != JsonExtractionSource.WholeText
            ? ChatResponseValidationResult.Failure(BareJsonErrorMessage)
            : ChatResponseValidationResult.Success);
    }
}
