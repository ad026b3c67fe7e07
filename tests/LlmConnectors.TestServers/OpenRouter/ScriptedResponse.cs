using System.Text;

namespace LlmConnectors.TestServers.OpenRouter;

/// <summary>One scripted HTTP answer of <see cref="OpenRouterTestServer"/>: a status, headers and a body written in parts (each flushed).</summary>
public sealed class ScriptedResponse
{
    /// <summary>Gets the HTTP status code. Default: 200.</summary>
    public int StatusCode { get; init; } = 200;

    /// <summary>Gets the content type. Default: <c>application/json</c>.</summary>
    public string ContentType { get; init; } = "application/json";

    /// <summary>Gets extra response headers (for example <c>Retry-After</c>).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>Gets the body parts, written and flushed one after the other (one SSE event per part for streams).</summary>
    public IReadOnlyList<string> BodyParts { get; init; } = [];

    /// <summary>Gets the pause after each flushed part; zero by default (no timing in tests).</summary>
    public TimeSpan DelayBetweenParts { get; init; }

    /// <summary>Gets a value indicating whether the server aborts the connection after the last part instead of ending the response.</summary>
    public bool AbortAfterBody { get; init; }

    /// <summary>Gets a task the server awaits before aborting (with <see cref="AbortAfterBody"/>), so a test can abort once the client has read the body.</summary>
    public Task? AbortWhen { get; init; }

    /// <summary>Creates a JSON answer.</summary>
    /// <param name="json">The body.</param>
    /// <param name="statusCode">The status.</param>
    /// <param name="headers">Extra headers.</param>
    /// <returns>The answer.</returns>
    public static ScriptedResponse Json(string json, int statusCode = 200, IReadOnlyDictionary<string, string>? headers = null) =>
        new() { StatusCode = statusCode, BodyParts = [json], Headers = headers ?? new Dictionary<string, string>() };

    /// <summary>Creates a server-sent event stream; each item is one raw part (<c>data: {...}\n\n</c>, a <c>: comment\n\n</c> line, ...).</summary>
    /// <param name="rawParts">The raw SSE text parts, already framed.</param>
    /// <returns>The answer.</returns>
    public static ScriptedResponse Sse(IEnumerable<string> rawParts) =>
        new() { ContentType = "text/event-stream", BodyParts = [.. rawParts] };

    /// <summary>Gets the whole body as UTF-8 bytes (for in-memory handlers and benchmarks).</summary>
    /// <returns>The bytes.</returns>
    public byte[] GetBodyBytes()
    {
        var builder = new StringBuilder();
        foreach (var part in BodyParts)
        {
            builder.Append(part);
        }

        return Encoding.UTF8.GetBytes(builder.ToString());
    }
}
