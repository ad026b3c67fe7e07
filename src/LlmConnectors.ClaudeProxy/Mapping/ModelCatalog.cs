using LlmConnectors.ClaudeProxy.Configuration;
using Microsoft.Extensions.Options;

namespace LlmConnectors.ClaudeProxy.Mapping;

/// <summary>
/// The models the proxy serves: the ids clients send, mapped to the model the CLI runs. An id may carry a routing prefix the pack's
/// router sends to a proxy (<c>max/sonnet</c>, <c>claude-proxy/sonnet</c>); it is matched and removed by the library's one prefix
/// implementation (<see cref="ModelPrefixes"/>, the rules of <see cref="ModelRoutingChatClient"/>), so a client that passes the
/// pack's model ids through unchanged is served too.
/// </summary>
internal sealed class ModelCatalog(IOptions<ClaudeProxyOptions> options)
{
    private readonly Dictionary<string, string> _models = new(options.Value.Models, StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets the model ids clients may send, sorted.</summary>
    public IReadOnlyList<string> ModelIds { get; } = [.. options.Value.Models.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Resolves a requested model id to the model the CLI runs.</summary>
    /// <param name="requested">The id the client sent, with or without a routing prefix.</param>
    /// <param name="cliModel">The CLI model.</param>
    /// <returns><see langword="true"/> when the id (after its prefix) is configured.</returns>
    public bool TryResolve(string requested, out string cliModel)
    {
        // A configured id wins over prefix removal, so an operator may still map "max/sonnet" to something of its own.
        if (_models.TryGetValue(requested, out cliModel!))
        {
            return true;
        }

        var unprefixed = ModelPrefixes.StripAny(requested, ModelPrefixes.ClaudeProxyAccepted);
        return unprefixed is not null && !ReferenceEquals(unprefixed, requested) && _models.TryGetValue(unprefixed, out cliModel!);
    }
}
