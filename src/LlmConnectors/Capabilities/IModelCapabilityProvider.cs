namespace LlmConnectors;

/// <summary>
/// Answers what a model accepts. Leaf clients of this pack return an implementation from
/// <c>GetService(typeof(IModelCapabilityProvider))</c>; middlewares use it to decide whether to pass a
/// feature through or emulate it.
/// </summary>
public interface IModelCapabilityProvider
{
    /// <summary>Gets the capabilities of a model.</summary>
    /// <param name="modelId">The model id, or <see langword="null"/> for the client's default model.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The capabilities, or <see langword="null"/> when the model is unknown to this provider.</returns>
    ValueTask<ModelCapabilities?> GetModelCapabilitiesAsync(string? modelId, CancellationToken cancellationToken = default);
}
