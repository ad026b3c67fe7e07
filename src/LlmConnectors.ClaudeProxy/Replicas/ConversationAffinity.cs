using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.AI;

namespace LlmConnectors.ClaudeProxy.Replicas;

/// <summary>
/// The key a load balancer can hash on to keep a conversation on one replica, sent as the <see cref="HeaderName"/> response header.
/// </summary>
/// <remarks>
/// Correctness never depends on it: each request carries its whole conversation, and a replica that did not serve the earlier turns
/// replays them to the model. The key only keeps a conversation where its Claude CLI process may be parked (on function calls
/// awaiting their results), which saves that replay. It is derived from what begins every turn of a conversation and does not change
/// as it grows: the caller, the model, the system messages and the first user message; so every turn gets the same key, and a client
/// that echoes it as a request header (or a balancer that learns it from the response) lands each turn on the same replica.
/// </remarks>
internal static class ConversationAffinity
{
    /// <summary>The response header carrying the key (32 hex digits).</summary>
    public const string HeaderName = "X-ClaudeProxy-Conversation";

    /// <summary>Computes the key of a conversation.</summary>
    /// <param name="caller">The caller's partition (<see cref="CallerPartition"/>).</param>
    /// <param name="model">The requested model.</param>
    /// <param name="messages">The conversation.</param>
    /// <returns>32 lower-case hex digits.</returns>
    public static string Key(string caller, string model, IReadOnlyList<ChatMessage> messages)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Append(hash, caller);
        Append(hash, model);
        foreach (var message in messages)
        {
            Append(hash, message.Role.Value);
            Append(hash, message.Text);
            foreach (var data in message.Contents.OfType<DataContent>())
            {
                Append(hash, data.MediaType);
                hash.AppendData(SHA256.HashData(data.Data.Span));
            }

            if (message.Role == ChatRole.User)
            {
                break;
            }
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset().AsSpan(0, 16));
    }

    private static void Append(IncrementalHash hash, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        Span<byte> length = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(length, bytes.Length);
        hash.AppendData(length);
        hash.AppendData(bytes);
    }
}
