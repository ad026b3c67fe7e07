using LlmConnectors.ClaudeProxy.Configuration;
using Microsoft.Extensions.Options;

namespace LlmConnectors.ClaudeProxy.Mapping;

/// <summary>The models the proxy serves: the ids clients send, mapped to the model the CLI runs.</summary>
internal sealed class ModelCatalog(IOptions<ClaudeProxyOptions> options)
{
    private readonly Dictionary<string, string> _models = new(options.Value.Models, StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets the model ids clients may send, sorted.</summary>
    public IReadOnlyList<string> ModelIds { get; } = [.. options.Value.Models.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Resolves a requested model id to the model the CLI runs.</summary>
    /// <param name="requested">The id the client sent.</param>
    /// <param name="cliModel">The CLI model.</param>
    /// <returns><see langword="true"/> when the id is configured.</returns>
    public bool TryResolve(string requested, out string cliModel) => _models.TryGetValue(requested, out cliModel!);
}
