namespace LlmConnectors.ClaudeProxy.Health;

/// <summary>Whether the proxy can serve chat requests, and why not.</summary>
/// <param name="Ready">Whether requests can be served.</param>
/// <param name="Checks">The individual checks, by name (for example <c>cli_found</c>, <c>cli_version</c>, <c>authenticated</c>).</param>
/// <param name="Message">What is wrong and what to do, when not ready.</param>
internal sealed record ReadinessReport(bool Ready, IReadOnlyDictionary<string, object?> Checks, string? Message = null);
