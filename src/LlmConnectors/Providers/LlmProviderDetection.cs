namespace LlmConnectors;

/// <summary>Whether <c>AddLlmConnectors</c> found one provider's credentials, and why (or why not).</summary>
/// <param name="Name">The leaf's service key: <c>openai</c>, <c>anthropic</c>, <c>gemini</c>, <c>vertex</c>, <c>openrouter</c>, <c>claude-cli</c>, <c>claude-proxy</c>.</param>
/// <param name="Prefix">The model prefix the default pipeline routes to it (<c>openai/</c>, ..., <c>max/</c>).</param>
/// <param name="Detected">Whether the provider is registered.</param>
/// <param name="Reason">What was found, or what is missing and which setting or variable would supply it. Never a secret.</param>
public sealed record LlmProviderDetection(string Name, string Prefix, bool Detected, string Reason);
