using System.Text.Json;
using Microsoft.Extensions.AI;

namespace LlmConnectors.ClaudeCli;

/// <summary>One request, split into what the CLI takes: the system prompt, the history, the final user message, the schema, the model.</summary>
internal sealed class ClaudeCliRequest
{
    private ClaudeCliRequest(IReadOnlyList<string> systemPrompt, IReadOnlyList<ChatMessage> history, ChatMessage last, JsonElement? jsonSchema, string? modelId)
    {
        SystemPrompt = systemPrompt;
        History = history;
        Last = last;
        JsonSchema = jsonSchema;
        ModelId = modelId;
    }

    /// <summary>Gets <c>ChatOptions.Instructions</c>, then the text of the system messages, one entry per message.</summary>
    public IReadOnlyList<string> SystemPrompt { get; }

    /// <summary>Gets the earlier user and assistant messages, in order (tool messages count as user messages).</summary>
    public IReadOnlyList<ChatMessage> History { get; }

    /// <summary>Gets the final user message, which starts the turn.</summary>
    public ChatMessage Last { get; }

    /// <summary>Gets the JSON schema of structured output, when <c>ChatOptions.ResponseFormat</c> carries one.</summary>
    public JsonElement? JsonSchema { get; }

    /// <summary>Gets the model of this request, when set by the request or the client's default.</summary>
    public string? ModelId { get; }

    /// <summary>Gets the output-token limit of this request (<c>ChatOptions.MaxOutputTokens</c>), if any.</summary>
    public int? MaxOutputTokens { get; private init; }

    /// <summary>Gets the <c>ChatOptions</c> settings the CLI cannot honour that this request carries.</summary>
    public IReadOnlyList<string> IgnoredOptions { get; private init; } = [];

    /// <summary>Gets the function tools of this request (<c>ChatOptions.Tools</c> that are <see cref="AIFunctionDeclaration"/>s).</summary>
    public IReadOnlyList<AIFunctionDeclaration> Tools { get; private init; } = [];

    /// <summary>Gets the tool mode of this request.</summary>
    public ChatToolMode? ToolMode { get; private init; }

    /// <summary>Gets a value indicating whether functions are offered to the model (tools declared, mode not none).</summary>
    public bool OffersTools => Tools.Count > 0 && ToolMode is not NoneChatToolMode;

    /// <summary>
    /// Gets the key of the parked process that may hold this request's conversation: one waiting on the tool results the history ends
    /// with, or one that gave the answer followed by the final user message. <see langword="null"/> when the history ends otherwise,
    /// or for a new turn with a JSON schema.
    /// </summary>
    public string? ContinuationKey { get; private init; }

    /// <summary>Gets a value indicating whether the process may be parked after its answer, for the next turn (no JSON schema).</summary>
    public bool CanContinue => JsonSchema is null;

    /// <summary>Gets a value indicating whether <see cref="ContinuationKey"/> names a process waiting on tool results (not a new turn).</summary>
    public bool ContinuesToolCalls => ContinuationKey is not null && ToolResults.Count > 0;

    /// <summary>Gets the tool results the history ends with, by call id.</summary>
    public IReadOnlyDictionary<string, FunctionResultContent> ToolResults { get; private init; } = new Dictionary<string, FunctionResultContent>();

    /// <summary>Gets what a process holds once this request is sent (see <see cref="ClaudeCliConversationKey"/>), for parking it on calls.</summary>
    public string ConversationHash => _conversationHash ??= ClaudeCliConversationKey.Hash(ModelId, SystemPrompt, Tools, ToolMode, MaxOutputTokens, [.. History, Last]);

    private string? _conversationHash;

    /// <summary>Gets what a process holds once it gave <paramref name="answer"/> to this request, for parking it until the next turn.</summary>
    /// <param name="answer">The answer's text, as the caller receives it.</param>
    /// <returns>The hash (see <see cref="ClaudeCliConversationKey"/>).</returns>
    public string AnsweredHash(string answer) =>
        ClaudeCliConversationKey.Hash(ModelId, SystemPrompt, Tools, ToolMode, MaxOutputTokens, [.. History, Last, new ChatMessage(ChatRole.Assistant, answer)]);

    /// <summary>
    /// Removes the root <c>$schema</c> keyword. The CLI compiles the schema with a validator that knows only older drafts: with
    /// <c>"$schema": "https://json-schema.org/draft/2020-12/schema"</c> (which MEAI's <c>ForJsonSchema&lt;T&gt;</c> and
    /// <c>GetResponseAsync&lt;T&gt;</c> write) it offers no StructuredOutput tool at all and the model answers in prose. Without the
    /// keyword the same schema, <c>$defs</c> and <c>$ref</c> included, works.
    /// </summary>
    /// <param name="schema">The caller's schema (not modified).</param>
    /// <returns>The schema the CLI can compile.</returns>
    internal static JsonElement WithoutMetaSchema(JsonElement schema)
    {
        if (schema.ValueKind != JsonValueKind.Object || !schema.TryGetProperty("$schema", out _))
        {
            return schema;
        }

        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var property in schema.EnumerateObject())
            {
                if (property.NameEquals("$schema"))
                {
                    continue;
                }

                property.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    /// <summary>Splits a conversation.</summary>
    /// <param name="messages">The caller's messages (not modified).</param>
    /// <param name="options">The caller's options (not modified).</param>
    /// <param name="clientOptions">The client settings.</param>
    /// <returns>The request.</returns>
    /// <exception cref="ArgumentException">The conversation is empty or does not end with a user message.</exception>
    public static ClaudeCliRequest Create(IEnumerable<ChatMessage> messages, ChatOptions? options, ClaudeCliOptions clientOptions)
    {
        var system = new List<string>();
        if (!string.IsNullOrEmpty(options?.Instructions))
        {
            // ChatOptions.Instructions (an agent's instructions) come first, before the conversation's own system messages.
            system.Add(options.Instructions);
        }

        var conversation = new List<ChatMessage>();
        foreach (var message in messages)
        {
            ArgumentNullException.ThrowIfNull(message, nameof(messages));
            if (message.Role == ChatRole.System)
            {
                var text = message.Text;
                if (!string.IsNullOrEmpty(text))
                {
                    system.Add(text);
                }
            }
            else if (StreamJsonInput.HasContent(message))
            {
                conversation.Add(message.Role == ChatRole.Assistant ? message : message.Role == ChatRole.User ? message : new ChatMessage(ChatRole.User, message.Contents));
            }
        }

        if (conversation.Count == 0 || conversation[^1].Role != ChatRole.User)
        {
            throw new ArgumentException(
                "The conversation must end with a user message that has text, an image or a PDF; the Claude CLI answers the last user message.",
                nameof(messages));
        }

        JsonElement? schema = options?.ResponseFormat is ChatResponseFormatJson { Schema: { } s } ? WithoutMetaSchema(s) : null;
        var model = string.IsNullOrEmpty(options?.ModelId) ? clientOptions.ModelId : options.ModelId;
        IReadOnlyList<AIFunctionDeclaration> tools = options?.Tools is { Count: > 0 } declared ? [.. declared.OfType<AIFunctionDeclaration>()] : [];
        var modelId = string.IsNullOrEmpty(model) ? null : model;
        var offersTools = tools.Count > 0 && options?.ToolMode is not NoneChatToolMode;
        if (offersTools)
        {
            ClaudeCliToolBridge.Validate(tools, options!.ToolMode, nameof(options));
        }

        int? maxOutputTokens = options?.MaxOutputTokens is > 0 and var max ? max : null;
        var (continuationKey, results) = ClaudeCliConversationKey.FindContinuation(modelId, system, tools, options?.ToolMode, maxOutputTokens, conversation);
        if (schema is not null && results.Count == 0)
        {
            // A process that answered with structured output holds a StructuredOutput call, not the text the caller brings back.
            continuationKey = null;
        }

        return new ClaudeCliRequest(system, conversation[..^1], conversation[^1], schema, modelId)
        {
            MaxOutputTokens = maxOutputTokens,
            IgnoredOptions = ClaudeCliUnsupportedOptions.Find(options),
            Tools = tools,
            ToolMode = options?.ToolMode,
            ContinuationKey = continuationKey,
            ToolResults = results,
        };
    }
}
