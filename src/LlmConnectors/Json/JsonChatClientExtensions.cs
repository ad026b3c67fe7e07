using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using LlmConnectors.Json;
using Microsoft.Extensions.AI;

namespace LlmConnectors;

/// <summary>Asks an <see cref="IChatClient"/> for a JSON answer and returns it as a checked .NET object.</summary>
/// <remarks>
/// <para>
/// Microsoft.Extensions.AI's <c>GetResponseAsync&lt;T&gt;</c> is the first choice for structured output, and works through
/// <see cref="JsonEnforcingChatClient"/> on every leaf. <c>GetJsonResponseAsync&lt;T&gt;</c> sends the same response format
/// (the schema <see cref="AIJsonUtilities.CreateJsonSchema"/> makes, a type that is not an object wrapped in
/// <c>{"data": ...}</c> as MEAI does) and adds what MEAI's does not:
/// </para>
/// <list type="bullet">
/// <item><description>the JSON is found in prose or a code fence even without <see cref="JsonEnforcingChatClient"/> in the pipeline;</description></item>
/// <item><description>stricter reading, set by <see cref="JsonResponseOptions"/>: required constructor parameters, nullable annotations, unknown members, and DataAnnotations attributes on the result and the objects it holds;</description></item>
/// <item><description>failures are a <see cref="JsonEnforcementException"/> whose errors carry JSON paths, worded for the model, which a
/// <see cref="RetryWithValidationChatClient"/> with a <see cref="DeserializesToResponseValidator{T}"/> uses to ask again;</description></item>
/// <item><description>the result comes with the JSON text it was read from (<see cref="JsonChatResponse{T}.Json"/>).</description></item>
/// </list>
/// <para>This helper itself asks only once.</para>
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
            ? JsonResultFormat<T>.Get(jsonOptions.GetEffectiveSerializerOptions()).Format
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
}
