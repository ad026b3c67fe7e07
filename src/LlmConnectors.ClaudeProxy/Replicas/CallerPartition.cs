using System.Security.Cryptography;
using System.Text;
using LlmConnectors.ClaudeProxy.Http;

namespace LlmConnectors.ClaudeProxy.Replicas;

/// <summary>
/// Names the caller of a request for the state replicas share (cache keys, rate limit counters): a hash of the API key it presented,
/// never the key itself, or <c>anonymous</c> when it presented none (possible only while the proxy checks no key).
/// </summary>
internal static class CallerPartition
{
    private const string ItemKey = "LlmConnectors.ClaudeProxy.CallerPartition";

    /// <summary>Gets the caller's partition, computed once per request.</summary>
    /// <param name="context">The request.</param>
    /// <returns>32 hex digits derived from the presented key, or <c>anonymous</c>.</returns>
    public static string Get(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Items.TryGetValue(ItemKey, out var cached) && cached is string partition)
        {
            return partition;
        }

        partition = ApiKeyMiddleware.GetPresentedKey(context.Request) is { } key ? Hash(key) : "anonymous";
        context.Items[ItemKey] = partition;
        return partition;
    }

    /// <summary>Hashes a key: SHA-256 of a fixed prefix and the key, the first 16 bytes as hex.</summary>
    /// <param name="key">The key.</param>
    /// <returns>32 lower-case hex digits.</returns>
    internal static string Hash(string key)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes("llmc-proxy-caller\n" + key), digest);
        return Convert.ToHexStringLower(digest[..16]);
    }
}
