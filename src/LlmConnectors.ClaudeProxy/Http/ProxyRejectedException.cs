namespace LlmConnectors.ClaudeProxy.Http;

/// <summary>A request the proxy's queue turned away before it started (queue full, or shutting down), with the answer to send.</summary>
/// <param name="error">The answer.</param>
internal sealed class ProxyRejectedException(ProxyError error) : Exception(error.Message)
{
    /// <summary>Gets the answer to send.</summary>
    public ProxyError Error { get; } = error;
}
