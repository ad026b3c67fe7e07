namespace LlmConnectors.Validation;

/// <summary>A service provider without services, for factories called without one.</summary>
internal sealed class EmptyServiceProvider : IServiceProvider
{
    public static EmptyServiceProvider Instance { get; } = new();

    public object? GetService(Type serviceType) => null;
}
