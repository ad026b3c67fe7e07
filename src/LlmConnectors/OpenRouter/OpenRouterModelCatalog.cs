using System.Globalization;
using System.Text.Json;
using LlmConnectors.OpenAICompatible;

namespace LlmConnectors.OpenRouter;

/// <summary>
/// The cached model catalogue behind <see cref="OpenRouterChatClient"/>'s <see cref="IModelCapabilityProvider"/>: fetched on first use,
/// kept for <see cref="OpenRouterClientOptions.ModelCatalogCacheDuration"/>, refetched after; a failed fetch is not cached
/// and makes the capabilities unknown (<see langword="null"/>) rather than failing the caller.
/// </summary>
internal sealed class OpenRouterModelCatalog : IModelCapabilityProvider
{
    private readonly Func<CancellationToken, Task<IReadOnlyList<OpenRouterModel>>> _fetch;
    private readonly TimeSpan _cacheDuration;
    private readonly TimeProvider _timeProvider;
    private readonly string? _defaultModelId;
    private readonly Lock _lock = new();
    private Task<Dictionary<string, OpenRouterModel>>? _inflight;
    private Dictionary<string, OpenRouterModel>? _models;
    private DateTimeOffset _fetchedAt;

    public OpenRouterModelCatalog(Func<CancellationToken, Task<IReadOnlyList<OpenRouterModel>>> fetch, TimeSpan cacheDuration, TimeProvider timeProvider, string? defaultModelId)
    {
        _fetch = fetch;
        _cacheDuration = cacheDuration;
        _timeProvider = timeProvider;
        _defaultModelId = defaultModelId;
    }

    /// <inheritdoc/>
    public async ValueTask<ModelCapabilities?> GetModelCapabilitiesAsync(string? modelId, CancellationToken cancellationToken = default)
    {
        modelId ??= _defaultModelId;
        if (string.IsNullOrWhiteSpace(modelId))
        {
            return null;
        }

        Dictionary<string, OpenRouterModel> models;
        try
        {
            models = await GetModelsAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (LlmConnectorException)
        {
            // The catalogue is unreachable: the capabilities are unknown, and the request itself may still work. Not cached.
            return null;
        }

        if (!models.TryGetValue(modelId, out var model))
        {
            // Variants such as "openai/gpt-4o:free" or ":online" share the base model's capabilities.
            var colon = modelId.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || !models.TryGetValue(modelId[..colon], out model))
            {
                return null;
            }
        }

        return ToCapabilities(modelId, model);
    }

    /// <summary>Maps a catalogue entry to the pack's capability record.</summary>
    /// <param name="modelId">The id asked for.</param>
    /// <param name="model">The catalogue entry.</param>
    /// <returns>The capabilities.</returns>
    public static ModelCapabilities ToCapabilities(string modelId, OpenRouterModel model) => new()
    {
        ModelId = modelId,
        SupportsImages = model.Accepts("image"),
        SupportsFiles = model.Accepts("file"),
        SupportsJsonSchema = model.Supports("structured_outputs"),
        SupportsJsonObject = model.Supports("response_format") || model.Supports("structured_outputs"),
        SupportsTools = model.Supports("tools"),
        ContextLength = model.ContextLength is { } length ? (int)Math.Min(length, int.MaxValue) : null,
    };

    /// <summary>Maps the wire catalogue to public records, skipping entries without an id.</summary>
    /// <param name="response">The wire catalogue.</param>
    /// <returns>The models.</returns>
    public static IReadOnlyList<OpenRouterModel> ToModels(ModelsResponse response)
    {
        var result = new List<OpenRouterModel>(response.Data?.Count ?? 0);
        foreach (var entry in response.Data ?? [])
        {
            if (string.IsNullOrEmpty(entry.Id))
            {
                continue;
            }

            result.Add(new OpenRouterModel
            {
                Id = entry.Id,
                Name = entry.Name,
                Description = entry.Description,
                Created = OpenAIResponseMapper.ToCreatedAt(entry.Created),
                ContextLength = entry.ContextLength ?? entry.TopProvider?.ContextLength,
                MaxCompletionTokens = entry.TopProvider?.MaxCompletionTokens,
                Pricing = ToPricing(entry.Pricing),
                InputModalities = entry.Architecture?.InputModalities ?? ModalitiesFrom(entry.Architecture?.Modality, input: true),
                OutputModalities = entry.Architecture?.OutputModalities ?? ModalitiesFrom(entry.Architecture?.Modality, input: false),
                SupportedParameters = entry.SupportedParameters ?? [],
            });
        }

        return result;
    }

    private Task<Dictionary<string, OpenRouterModel>> GetModelsAsync(CancellationToken cancellationToken)
    {
        Task<Dictionary<string, OpenRouterModel>> fetch;
        lock (_lock)
        {
            if (_models is { } cached && _timeProvider.GetUtcNow() - _fetchedAt < _cacheDuration)
            {
                return Task.FromResult(cached);
            }

            // One fetch at a time, shared by concurrent callers; each caller may stop waiting on its own token.
            if (_inflight is { IsCompleted: true })
            {
                _inflight = null;
            }

            fetch = _inflight ??= FetchAsync();
        }

        return fetch.WaitAsync(cancellationToken);
    }

    private async Task<Dictionary<string, OpenRouterModel>> FetchAsync()
    {
        try
        {
            var list = await _fetch(CancellationToken.None).ConfigureAwait(false);
            var models = new Dictionary<string, OpenRouterModel>(list.Count, StringComparer.Ordinal);
            foreach (var model in list)
            {
                models[model.Id] = model;
            }

            lock (_lock)
            {
                _models = models;
                _fetchedAt = _timeProvider.GetUtcNow();
            }

            return models;
        }
        finally
        {
            lock (_lock)
            {
                _inflight = null;
            }
        }
    }

    private static List<string> ModalitiesFrom(string? modality, bool input)
    {
        // The older "text+image->text" form.
        if (string.IsNullOrEmpty(modality))
        {
            return [];
        }

        var arrow = modality.IndexOf("->", StringComparison.Ordinal);
        var side = arrow < 0 ? modality : input ? modality[..arrow] : modality[(arrow + 2)..];
        return [.. side.Split('+', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
    }

    private static OpenRouterModelPricing ToPricing(Dictionary<string, JsonElement>? pricing)
    {
        if (pricing is null)
        {
            return new OpenRouterModelPricing();
        }

        return new OpenRouterModelPricing
        {
            Prompt = Price(pricing, "prompt"),
            Completion = Price(pricing, "completion"),
            Request = Price(pricing, "request"),
            Image = Price(pricing, "image"),
            WebSearch = Price(pricing, "web_search"),
            InternalReasoning = Price(pricing, "internal_reasoning"),
            InputCacheRead = Price(pricing, "input_cache_read"),
            InputCacheWrite = Price(pricing, "input_cache_write"),
        };
    }

    private static decimal? Price(Dictionary<string, JsonElement> pricing, string key)
    {
        if (!pricing.TryGetValue(key, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String when decimal.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
            JsonValueKind.Number when value.TryGetDecimal(out var number) => number,
            _ => null,
        };
    }
}
