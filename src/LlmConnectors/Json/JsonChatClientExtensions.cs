using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Text.Json;
using LlmConnectors.Json;
using Microsoft.Extensions.AI;

namespace LlmConnectors;

/// <summary>Asks an <see cref="IChatClient"/> for a JSON answer and returns it as a .NET object.</summary>
/// <remarks>
/// Named <c>GetJsonResponseAsync</c> so that it does not clash with <c>GetResponseAsync&lt;T&gt;</c> of Microsoft.Extensions.AI.
/// The request carries the JSON schema of the result type (from <see cref="AIJsonUtilities.CreateJsonSchema"/>) as its
/// response format; a <see cref="JsonEnforcingChatClient"/> in the pipeline makes any model honour it, and a
/// <see cref="RetryWithValidationChatClient"/> with a <see cref="DeserializesToResponseValidator{T}"/> asks again when the
/// answer does not deserialize. This helper itself asks only once.
/// </remarks>
public static class JsonChatClientExtensions
{
    /// <summary>Sends a prompt and returns the answer deserialized as <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The type of the result; an object type works with every provider's native structured output.</typeparam>
    /// <param name="client">The chat client.</param>
    /// <param name="prompt">The user message.</param>
    /// <param name="options">The chat options; not modified (a copy carries the response format).</param>
    /// <param name="jsonOptions">How the answer is deserialized and checked; the defaults of <see cref="JsonResponseOptions"/> when <see langword="null"/>.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The result, its JSON text and the chat response.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="client"/> or <paramref name="prompt"/> is <see langword="null"/>.</exception>
    /// <exception cref="JsonEnforcementException">The answer is not valid JSON, does not deserialize, or fails its DataAnnotations.</exception>
    [RequiresUnreferencedCode(JsonResultDeserializer.RequiresUnreferencedCodeMessage)]
    public static Task<JsonChatResponse<T>> GetJsonResponseAsync<T>(
        this IChatClient client, string prompt, ChatOptions? options = null, JsonResponseOptions? jsonOptions = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        return client.GetJsonResponseAsync<T>([new ChatMessage(ChatRole.User, prompt)], options, jsonOptions, cancellationToken);
    }

    /// <summary>Sends messages and returns the answer deserialized as <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The type of the result; an object type works with every provider's native structured output.</typeparam>
    /// <param name="client">The chat client.</param>
    /// <param name="messages">The conversation; not modified.</param>
    /// <param name="options">The chat options; not modified (a copy carries the response format).</param>
    /// <param name="jsonOptions">How the answer is deserialized and checked; the defaults of <see cref="JsonResponseOptions"/> when <see langword="null"/>.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The result, its JSON text and the chat response.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="client"/> or <paramref name="messages"/> is <see langword="null"/>.</exception>
    /// <exception cref="JsonEnforcementException">The answer is not valid JSON, does not deserialize, or fails its DataAnnotations.</exception>
    [RequiresUnreferencedCode(JsonResultDeserializer.RequiresUnreferencedCodeMessage)]
    public static async Task<JsonChatResponse<T>> GetJsonResponseAsync<T>(
        this IChatClient client, IEnumerable<ChatMessage> messages, ChatOptions? options = null, JsonResponseOptions? jsonOptions = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(messages);
        jsonOptions ??= JsonResponseOptions.Default;

        var requestOptions = options?.Clone() ?? new ChatOptions();
        requestOptions.ResponseFormat = jsonOptions.IncludeSchema
            ? ResponseFormatCache<T>.Get(jsonOptions.GetEffectiveSerializerOptions())
            : ChatResponseFormat.Json;

        var response = await client.GetResponseAsync(messages, requestOptions, cancellationToken).ConfigureAwait(false);
        var text = response.Text;
        var extraction = JsonTextExtractor.Extract(text);
        if (!extraction.Success)
        {
            throw new JsonEnforcementException(JsonEnforcementFailureKind.InvalidJson, text, [extraction.Error], response);
        }

        if (!JsonResultDeserializer.TryDeserialize<T>(extraction.Value, jsonOptions, out var result, out var errors))
        {
            throw new JsonEnforcementException(JsonEnforcementFailureKind.DeserializationFailed, text, errors, response);
        }

        return new JsonChatResponse<T>(response, extraction.Json, result!);
    }

    /// <summary>One response format per result type and serializer options, so that middlewares can cache by format.</summary>
    private static class ResponseFormatCache<T>
    {
        private static readonly ConditionalWeakTable<JsonSerializerOptions, ChatResponseFormatJson> Formats = [];

        public static ChatResponseFormatJson Get(JsonSerializerOptions options) =>
            Formats.GetValue(options, static o => ChatResponseFormat.ForJsonSchema<T>(o));
    }
}
