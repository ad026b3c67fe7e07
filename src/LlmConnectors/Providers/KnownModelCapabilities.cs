namespace LlmConnectors;

/// <summary>
/// An <see cref="IModelCapabilityProvider"/> for leaves whose providers publish no capability catalogue the pack reads (OpenAI,
/// Anthropic, Gemini, Vertex AI): the answer comes from the model id's family, as the providers document it.
/// </summary>
/// <param name="defaultModelId">The model a request without <c>ChatOptions.ModelId</c> uses.</param>
/// <param name="lookup">Maps a model id to its capabilities; <see langword="null"/> for a model the family table does not know.</param>
internal sealed class KnownModelCapabilities(string? defaultModelId, Func<string, ModelCapabilities?> lookup) : IModelCapabilityProvider
{
    /// <inheritdoc/>
    public ValueTask<ModelCapabilities?> GetModelCapabilitiesAsync(string? modelId, CancellationToken cancellationToken = default)
    {
        var id = modelId ?? defaultModelId;
        return ValueTask.FromResult(string.IsNullOrWhiteSpace(id) ? null : lookup(id));
    }

    /// <summary>OpenAI's chat models: vision, tools and structured outputs from gpt-4o on, JSON mode on gpt-3.5 and gpt-4.</summary>
    /// <param name="modelId">The model id.</param>
    /// <returns>The capabilities, or <see langword="null"/> for an id outside OpenAI's families (a custom endpoint's model).</returns>
    public static ModelCapabilities? OpenAI(string modelId)
    {
        var id = modelId.ToLowerInvariant();
        if (id.StartsWith("gpt-3.5", StringComparison.Ordinal))
        {
            return new ModelCapabilities { ModelId = modelId, SupportsJsonObject = true, SupportsTools = true, ContextLength = 16_385 };
        }

        if (id.StartsWith("gpt-4o", StringComparison.Ordinal) || id.StartsWith("gpt-4.1", StringComparison.Ordinal) || id.StartsWith("gpt-5", StringComparison.Ordinal) ||
            id.StartsWith("o1", StringComparison.Ordinal) || id.StartsWith("o3", StringComparison.Ordinal) || id.StartsWith("o4", StringComparison.Ordinal) ||
            id.StartsWith("chatgpt-4o", StringComparison.Ordinal))
        {
            return new ModelCapabilities { ModelId = modelId, SupportsImages = true, SupportsFiles = true, SupportsJsonObject = true, SupportsJsonSchema = true, SupportsTools = true };
        }

        if (id.StartsWith("gpt-4", StringComparison.Ordinal))
        {
            return new ModelCapabilities { ModelId = modelId, SupportsImages = id.Contains("turbo", StringComparison.Ordinal), SupportsJsonObject = true, SupportsTools = true };
        }

        return null;
    }

    /// <summary>Anthropic's Claude models: images, PDFs, tools and (through the SDK's structured outputs) JSON schemas.</summary>
    /// <param name="modelId">The model id.</param>
    /// <returns>The capabilities, or <see langword="null"/> for an id that is not a Claude model.</returns>
    public static ModelCapabilities? Anthropic(string modelId) =>
        modelId.StartsWith("claude", StringComparison.OrdinalIgnoreCase)
            ? new ModelCapabilities { ModelId = modelId, SupportsImages = true, SupportsFiles = true, SupportsJsonSchema = true, SupportsTools = true, ContextLength = 200_000 }
            : null;

    /// <summary>Google's Gemini models (with or without Vertex AI's <c>google/</c> publisher prefix): images, files, tools, JSON schemas.</summary>
    /// <param name="modelId">The model id.</param>
    /// <returns>The capabilities, or <see langword="null"/> for an id that is not a Gemini model.</returns>
    public static ModelCapabilities? Gemini(string modelId)
    {
        var id = modelId.StartsWith("google/", StringComparison.OrdinalIgnoreCase) ? modelId["google/".Length..] : modelId;
        return id.StartsWith("gemini", StringComparison.OrdinalIgnoreCase)
            ? new ModelCapabilities { ModelId = modelId, SupportsImages = true, SupportsFiles = true, SupportsJsonObject = true, SupportsJsonSchema = true, SupportsTools = true, ContextLength = 1_048_576 }
            : null;
    }
}
