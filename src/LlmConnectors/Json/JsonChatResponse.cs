using Microsoft.Extensions.AI;

namespace LlmConnectors;

/// <summary>A chat response whose JSON answer has been deserialized and validated.</summary>
/// <typeparam name="T">The type of the result.</typeparam>
public sealed class JsonChatResponse<T>
{
    /// <summary>Initializes a new instance of the <see cref="JsonChatResponse{T}"/> class.</summary>
    /// <param name="response">The chat response.</param>
    /// <param name="json">The JSON text the result was read from.</param>
    /// <param name="result">The deserialized result.</param>
    /// <exception cref="ArgumentNullException"><paramref name="response"/> or <paramref name="json"/> is <see langword="null"/>.</exception>
    public JsonChatResponse(ChatResponse response, string json, T result)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(json);
        Response = response;
        Json = json;
        Result = result;
    }

    /// <summary>Gets the deserialized result.</summary>
    public T Result { get; }

    /// <summary>Gets the JSON text the result was read from (without code fences or prose).</summary>
    public string Json { get; }

    /// <summary>Gets the chat response (messages, usage, attempt count when retry with validation ran).</summary>
    public ChatResponse Response { get; }
}
