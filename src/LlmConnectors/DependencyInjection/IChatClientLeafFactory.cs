using Microsoft.Extensions.AI;

namespace LlmConnectors;

/// <summary>
/// Creates a leaf client (OpenRouter, Claude CLI, Claude proxy, ...) by name for pipelines built from configuration
/// (<c>AddChatPipeline</c>). Register one with <c>services.AddChatClientLeaf("name", factory)</c>; the connectors' own
/// <c>AddXxxChatClient</c> methods register theirs under <c>openrouter</c>, <c>claude-cli</c> and <c>claude-proxy</c>.
/// </summary>
/// <remarks>
/// Each named leaf is created once per service provider and shared by every pipeline that names it; the provider disposes it.
/// A keyed <c>IChatClient</c> service whose key is the name is used when no factory has that name.
/// </remarks>
public interface IChatClientLeafFactory
{
    /// <summary>Gets the name pipelines use in configuration to refer to this leaf, compared without regard to case.</summary>
    string Name { get; }

    /// <summary>Creates the leaf client.</summary>
    /// <param name="services">The application's services.</param>
    /// <returns>The leaf client.</returns>
    IChatClient CreateClient(IServiceProvider services);
}
