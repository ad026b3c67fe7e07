using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.AI;

namespace LlmConnectors.ClaudeCli;

/// <summary>
/// Names the conversation a process holds, byte for byte: the model, the system prompt, the offered functions, the tool mode and
/// every message as written on the CLI's standard input. A parked process is found again only by a request whose history
/// reproduces exactly that conversation, followed by the call the process returned and its results; so no context ever crosses
/// conversations.
/// </summary>
internal static class ClaudeCliConversationKey
{
    /// <summary>Hashes what a process holds after it was sent <paramref name="conversation"/>.</summary>
    /// <param name="model">The request's model.</param>
    /// <param name="system">The system prompt parts.</param>
    /// <param name="tools">The declared functions.</param>
    /// <param name="mode">The tool mode.</param>
    /// <param name="conversation">The user and assistant messages, in order.</param>
    /// <returns>The hash, as hex.</returns>
    public static string Hash(string? model, IReadOnlyList<string> system, IReadOnlyList<AIFunctionDeclaration> tools, ChatToolMode? mode, IEnumerable<ChatMessage> conversation)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Append(hash, Encoding.UTF8.GetBytes(model ?? string.Empty));
        foreach (var part in system)
        {
            Append(hash, Encoding.UTF8.GetBytes(part));
        }

        Append(hash, Encoding.UTF8.GetBytes(mode switch
        {
            RequiredChatToolMode required => "required:" + required.RequiredFunctionName,
            NoneChatToolMode => "none",
            _ => "auto",
        }));
        foreach (var tool in tools)
        {
            Append(hash, Encoding.UTF8.GetBytes(tool.Name + "\n" + tool.Description + "\n" + tool.JsonSchema.GetRawText()));
        }

        foreach (var message in conversation)
        {
            Append(hash, message.Role == ChatRole.Assistant ? StreamJsonInput.Assistant(message, toolBlocks: true) : StreamJsonInput.User(message, query: true, toolBlocks: true));
        }

        return Convert.ToHexString(hash.GetHashAndReset());
    }

    /// <summary>The key of a process parked on the calls <paramref name="callIds"/> after holding the conversation <paramref name="hash"/>.</summary>
    /// <param name="hash">What <see cref="Hash"/> returned for the conversation the process was sent.</param>
    /// <param name="callIds">The ids of the calls its last turn returned.</param>
    /// <returns>The key.</returns>
    public static string Key(string hash, IEnumerable<string> callIds) => hash + ":" + string.Join(',', callIds.Order(StringComparer.Ordinal));

    /// <summary>
    /// Finds, in a conversation that ends with the results of the last assistant message's calls, the key of the process that may
    /// be parked on them, and the results.
    /// </summary>
    /// <param name="model">The request's model.</param>
    /// <param name="system">The system prompt parts.</param>
    /// <param name="tools">The declared functions.</param>
    /// <param name="mode">The tool mode.</param>
    /// <param name="conversation">The user and assistant messages, in order.</param>
    /// <returns>The key and the results by call id; no key when the conversation does not end that way.</returns>
    public static (string? Key, IReadOnlyDictionary<string, FunctionResultContent> Results) FindContinuation(
        string? model, IReadOnlyList<string> system, IReadOnlyList<AIFunctionDeclaration> tools, ChatToolMode? mode, IReadOnlyList<ChatMessage> conversation)
    {
        var results = new Dictionary<string, FunctionResultContent>(StringComparer.Ordinal);
        var index = conversation.Count - 1;
        for (; index >= 0 && conversation[index].Role != ChatRole.Assistant; index--)
        {
            foreach (var content in conversation[index].Contents)
            {
                if (content is FunctionResultContent result)
                {
                    results[result.CallId] = result;
                }
                else if (content is not TextContent { Text.Length: 0 })
                {
                    return (null, results);
                }
            }
        }

        if (index < 0 || results.Count == 0)
        {
            return (null, results);
        }

        var calls = conversation[index].Contents.OfType<FunctionCallContent>().Select(c => c.CallId).ToList();
        if (calls.Count == 0 || calls.Count != results.Count || !calls.All(results.ContainsKey))
        {
            return (null, results);
        }

        return (Key(Hash(model, system, tools, mode, conversation.Take(index)), calls), results);
    }

    private static void Append(IncrementalHash hash, ReadOnlySpan<byte> item)
    {
        Span<byte> length = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(length, item.Length);
        hash.AppendData(length);
        hash.AppendData(item);
    }
}
