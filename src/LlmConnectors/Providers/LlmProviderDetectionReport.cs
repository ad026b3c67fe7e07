namespace LlmConnectors;

/// <summary>What <c>AddLlmConnectors</c> detected, one entry per provider it knows; registered as a singleton for diagnostics (<c>llmc doctor</c>).</summary>
/// <param name="providers">The entries, in routing order.</param>
/// <param name="defaultProvider">The provider that serves model ids without a known prefix, or <see langword="null"/> when none was detected.</param>
public sealed class LlmProviderDetectionReport(IReadOnlyList<LlmProviderDetection> providers, string? defaultProvider)
{
    /// <summary>Gets one entry per known provider, detected or not.</summary>
    public IReadOnlyList<LlmProviderDetection> Providers { get; } = providers;

    /// <summary>Gets the provider that serves model ids without a known prefix, or <see langword="null"/>.</summary>
    public string? DefaultProvider { get; } = defaultProvider;
}
