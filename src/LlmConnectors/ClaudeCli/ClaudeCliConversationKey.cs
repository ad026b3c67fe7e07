using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.AI;

namespace LlmConnectors.ClaudeCli;

/// <summary>
/// Names the conversation a process holds, byte for byte: the model, the system prompt, the offered functions, the tool mode, the
/// output-token limit and every message as written on the CLI's standard input. A parked process is found again only by a request
/// whose history reproduces exactly that conversation, followed either by the calls the process returned and their results, or by
/// the answer it gave and one new user message; so no context ever crosses conversations.
/// </summary>
internal static class ClaudeCliConversationKey
{
    /// <summary>Hashes what a process holds after it was sent <paramref name="conversation"/>.</summary>
    /// <param name="model">The request's model.</param>
    /// <param name="system">The system prompt parts.</param>
    /// <param name="tools">The declared functions.</param>
    /// <param name="mode">The tool mode.</param>
    /// <param name="maxOutputTokens">The output-token limit (a setting the process keeps).</param>
    /// <param name="conversation">The user and assistant messages, in order.</param>
    /// <returns>The hash, as hex.</returns>
    public static string Hash(string? model, IReadOnlyList<string> system, IReadOnlyList<AIFunctionDeclaration> tools, ChatToolMode? mode, int? maxOutputTokens, IEnumerable<ChatMessage> conversation)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Append(hash, Encoding.UTF8.GetBytes(model ?? string.Empty));
        Append(hash, Encoding.UTF8.GetBytes(maxOutputTokens?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty));
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

        // The messages as the process was sent them: function calls and results are tool blocks only when functions are offered.
        var toolBlocks = tools.Count > 0 && mode is not NoneChatToolMode;
        foreach (var message in conversation)
        {
            Append(hash, message.Role == ChatRole.Assistant ? StreamJsonInput.Assistant(message, toolBlocks) : StreamJsonInput.User(message, query: true, toolBlocks));
        }

        return Convert.ToHexString(hash.GetHashAndReset());
    }

    /// <summary>
    /// The key of a process parked on the calls <paramref name="callIds"/> after holding the conversation <paramref name="hash"/>; with
    /// no calls, of a process parked after answering, waiting for the next user message.
    /// </summary>
    /// <param name="hash">What <see cref="Hash"/> returned for the conversation the process holds (with its answer, when it answered).</param>
    /// <param name="callIds">The ids of the calls its last turn returned; none when it answered.</param>
    /// <returns>The key.</returns>
    public static string Key(string hash, IEnumerable<string> callIds) => hash + ":" + string.Join(',', callIds.Order(StringComparer.Ordinal));

    /// <summary>
    /// Finds the key of the process that may hold the beginning of a conversation: when the conversation ends with the results of
    /// the last assistant message's calls, a process parked on those calls (and the results); when it ends with one user message
    /// after an assistant message, a process parked after giving that answer.
    /// </summary>
    /// <param name="model">The request's model.</param>
    /// <param name="system">The system prompt parts.</param>
    /// <param name="tools">The declared functions.</param>
    /// <param name="mode">The tool mode.</param>
    /// <param name="maxOutputTokens">The output-token limit.</param>
    /// <param name="conversation">The user and assistant messages, in order.</param>
    /// <returns>The key and the results by call id (empty for a new user message); no key when the conversation ends otherwise.</returns>
    public static (string? Key, IReadOnlyDictionary<string, FunctionResultContent> Results) FindContinuation(
        string? model, IReadOnlyList<string> system, IReadOnlyList<AIFunctionDeclaration> tools, ChatToolMode? mode, int? maxOutputTokens, IReadOnlyList<ChatMessage> conversation)
    {
        var results = new Dictionary<string, FunctionResultContent>(StringComparer.Ordinal);
        var otherContent = false;
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
                    otherContent = true;
                }
            }
        }

        if (index < 0)
        {
            return (null, results);
        }

        if (results.Count == 0)
        {
            // A new turn: the process that gave the assistant answer holds everything before this one user message.
            var answered = index == conversation.Count - 2 && !conversation[index].Contents.Any(c => c is FunctionCallContent);
            return (answered ? Key(Hash(model, system, tools, mode, maxOutputTokens, conversation.Take(index + 1)), []) : null, results);
        }

        var calls = conversation[index].Contents.OfType<FunctionCallContent>().Select(c => c.CallId).ToList();
        if (otherContent || tools.Count == 0 || mode is NoneChatToolMode || calls.Count == 0 || calls.Count != results.Count || !calls.All(results.ContainsKey))
        {
            return (null, results);
        }

        return (Key(Hash(model, system, tools, mode, maxOutputTokens, conversation.Take(index)), calls), results);
    }

    private static void Append(IncrementalHash hash, ReadOnlySpan<byte> item)
    {
        Span<byte> length = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(length, item.Length);
        hash.AppendData(length);
        hash.AppendData(item);
    }
}
