namespace LlmConnectors;

/// <summary>
/// The one implementation of model-prefix routing in the pack: the prefixes the default router gives each provider, and the match
/// (longest prefix wins, without regard to case) and strip rules that <see cref="ModelRoutingChatClient"/>,
/// <see cref="ClaudeProxyChatClient"/> and the Claude proxy's model catalogue apply.
/// </summary>
internal static class ModelPrefixes
{
    /// <summary>The prefix of Claude models served by the Claude CLI or, without it, by a Claude proxy (<c>max/sonnet</c>).</summary>
    public const string Claude = "max/";

    /// <summary>The prefix of models served by a Claude proxy named explicitly (<c>claude-proxy/sonnet</c>).</summary>
    public const string ClaudeProxy = "claude-proxy/";

    /// <summary>The prefixes under which the default router may send a request to a Claude proxy, which accepts them too.</summary>
    public static readonly string[] ClaudeProxyAccepted = [Claude, ClaudeProxy];

    /// <summary>Finds the entry whose prefix is the longest one <paramref name="modelId"/> starts with, without regard to case.</summary>
    /// <typeparam name="T">The entry type.</typeparam>
    /// <param name="modelId">The requested model id; <see langword="null"/> matches nothing.</param>
    /// <param name="entries">The entries.</param>
    /// <param name="prefixOf">The prefix of an entry.</param>
    /// <returns>The matching entry, or <see langword="null"/>.</returns>
    public static T? FindLongest<T>(string? modelId, IEnumerable<T> entries, Func<T, string> prefixOf)
        where T : class
    {
        T? best = null;
        var bestLength = -1;
        if (modelId is null)
        {
            return null;
        }

        foreach (var entry in entries)
        {
            var prefix = prefixOf(entry);
            if (prefix.Length > bestLength && modelId.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                best = entry;
                bestLength = prefix.Length;
            }
        }

        return best;
    }

    /// <summary>Removes a matched prefix: <c>openrouter/openai/gpt-4o</c> becomes <c>openai/gpt-4o</c>; an id that is only the prefix becomes <see langword="null"/> (the client's default model).</summary>
    /// <param name="modelId">The model id, which starts with <paramref name="prefix"/>.</param>
    /// <param name="prefix">The matched prefix.</param>
    /// <returns>The rest of the id, or <see langword="null"/>.</returns>
    public static string? Strip(string modelId, string prefix) => modelId.Length == prefix.Length ? null : modelId[prefix.Length..];

    /// <summary>Removes the longest of <paramref name="prefixes"/> that <paramref name="modelId"/> starts with, if any.</summary>
    /// <param name="modelId">The model id.</param>
    /// <param name="prefixes">The prefixes.</param>
    /// <returns>The id without the prefix (<see langword="null"/> when nothing is left), or <paramref name="modelId"/> unchanged when no prefix matches.</returns>
    public static string? StripAny(string modelId, IEnumerable<string> prefixes) =>
        FindLongest(modelId, prefixes, static p => p) is { } prefix ? Strip(modelId, prefix) : modelId;
}
