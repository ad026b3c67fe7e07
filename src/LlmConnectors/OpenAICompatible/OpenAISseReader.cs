using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace LlmConnectors.OpenAICompatible;

/// <summary>Reads an OpenAI-compatible server-sent event stream into <see cref="ChatCompletionResponse"/> chunks.</summary>
/// <remarks>
/// Comment lines (OpenRouter's <c>: OPENROUTER PROCESSING</c> keep-alives) are skipped by <see cref="SseParser"/>; the
/// <c>data: [DONE]</c> sentinel ends the stream. Each event is deserialized straight from its UTF-8 bytes, without a string in between.
/// </remarks>
internal static class OpenAISseReader
{
    private static ReadOnlySpan<byte> DoneSentinel => "[DONE]"u8;

    /// <summary>Reads the chunks of a stream until <c>[DONE]</c> or the end of the stream.</summary>
    /// <param name="stream">The response body.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The chunks, in order.</returns>
    /// <exception cref="JsonException">An event's data is not a valid chunk.</exception>
    public static async IAsyncEnumerable<ChatCompletionResponse> ReadChunksAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var parser = SseParser.Create(stream, static (_, data) => Parse(data));
        await foreach (var item in parser.EnumerateAsync(cancellationToken).ConfigureAwait(false))
        {
            if (item.Data.IsDone)
            {
                yield break;
            }

            if (item.Data.Chunk is { } chunk)
            {
                yield return chunk;
            }
        }
    }

    private static ParsedEvent Parse(ReadOnlySpan<byte> data)
    {
        var trimmed = data.Trim(" \t\r\n"u8);
        if (trimmed.IsEmpty)
        {
            return default;
        }

        if (trimmed.SequenceEqual(DoneSentinel))
        {
            return new ParsedEvent(null, IsDone: true);
        }

        var chunk = JsonSerializer.Deserialize(trimmed, OpenAIWireJsonContext.Default.ChatCompletionResponse)
            ?? throw new JsonException("A server-sent event carried 'null' where a chat.completion.chunk object was expected.");
        return new ParsedEvent(chunk, IsDone: false);
    }

    /// <summary>One event: a chunk, the <c>[DONE]</c> sentinel, or nothing (an event with empty data).</summary>
    private readonly record struct ParsedEvent(ChatCompletionResponse? Chunk, bool IsDone);
}
