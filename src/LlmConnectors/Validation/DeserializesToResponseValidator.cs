using System.Diagnostics.CodeAnalysis;
using LlmConnectors.Json;
using Microsoft.Extensions.AI;

namespace LlmConnectors;

/// <summary>
/// Requires the answer to contain JSON that deserializes to <typeparamref name="T"/> and passes its DataAnnotations, with the
/// settings of <see cref="JsonResponseOptions"/>.
/// </summary>
/// <typeparam name="T">The type the answer must deserialize to.</typeparam>
public sealed class DeserializesToResponseValidator<T> : IChatResponseValidator
{
    private readonly JsonResponseOptions _options;

    /// <summary>Initializes a new instance of the <see cref="DeserializesToResponseValidator{T}"/> class.</summary>
    /// <param name="options">How the answer is deserialized and checked; the defaults of <see cref="JsonResponseOptions"/> when <see langword="null"/>.</param>
    [RequiresUnreferencedCode(JsonResultDeserializer.RequiresUnreferencedCodeMessage)]
    public DeserializesToResponseValidator(JsonResponseOptions? options = null)
    {
        _options = options ?? JsonResponseOptions.Default;
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="response"/> is <see langword="null"/>.</exception>
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "The constructor carries RequiresUnreferencedCode for the DataAnnotations reflection.")]
    public ValueTask<ChatResponseValidationResult> ValidateAsync(ChatResponse response, ChatResponseValidationContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(response);
        var extraction = JsonTextExtractor.Extract(response.Text);
        if (!extraction.Success)
        {
            return new(ChatResponseValidationResult.Failure(extraction.Error));
        }

        return new(JsonResultDeserializer.TryDeserialize<T>(extraction.Value, _options, out _, out var errors)
            ? ChatResponseValidationResult.Success
            : ChatResponseValidationResult.Failure(errors));
    }
}
