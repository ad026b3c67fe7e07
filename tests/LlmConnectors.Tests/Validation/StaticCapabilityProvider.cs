namespace LlmConnectors.Tests.Validation;

/// <summary>A capability provider answering from a table, counting lookups.</summary>
internal sealed class StaticCapabilityProvider(params ModelCapabilities[] models) : IModelCapabilityProvider
{
    public int Lookups { get; private set; }

    public ValueTask<ModelCapabilities?> GetModelCapabilitiesAsync(string? modelId, CancellationToken cancellationToken = default)
    {
        Lookups++;
        foreach (var model in models)
        {
            if (model.ModelId == (modelId ?? string.Empty))
            {
                return new(model);
            }
        }

        return new((ModelCapabilities?)null);
    }
}
