using System.Net;

namespace LlmConnectors.TestServers.Anthropic;

/// <summary>One scripted answer of <see cref="ScriptedAnthropicServer"/> to one <c>POST /v1/messages</c>.</summary>
public sealed record ScriptedAnthropicReply
{
    private ScriptedAnthropicReply()
    {
    }

    /// <summary>Gets the text deltas of a text answer, streamed in order.</summary>
    public IReadOnlyList<string> TextDeltas { get; private init; } = [];

    /// <summary>Gets the JSON input of a <c>StructuredOutput</c> tool call, when the reply is structured output.</summary>
    public string? StructuredOutputJson { get; private init; }

    /// <summary>Gets the <c>tool_use</c> blocks of a reply that calls tools: the call id, the tool name and the input as JSON.</summary>
    public IReadOnlyList<(string Id, string Name, string InputJson)> ToolCalls { get; private init; } = [];

    /// <summary>Gets the HTTP status of an error reply; <see langword="null"/> for a successful one.</summary>
    public HttpStatusCode? ErrorStatus { get; private init; }

    /// <summary>Gets the Anthropic error type of an error reply (for example <c>overloaded_error</c>).</summary>
    public string? ErrorType { get; private init; }

    /// <summary>Gets the error message of an error reply.</summary>
    public string? ErrorMessage { get; private init; }

    /// <summary>Gets the <c>retry-after</c> header value of an error reply, in seconds.</summary>
    public int? RetryAfterSeconds { get; private init; }

    /// <summary>Gets a value indicating whether the server accepts the request and never answers it.</summary>
    public bool Hangs { get; private init; }

    /// <summary>Gets the model name the reply reports; the requested model when <see langword="null"/>.</summary>
    public string? Model { get; init; }

    /// <summary>Gets the usage the reply reports.</summary>
    public int InputTokens { get; init; } = 12;

    /// <summary>Gets the output tokens the reply reports.</summary>
    public int OutputTokens { get; init; } = 5;

    /// <summary>
    /// Gets the number of text deltas a streamed answer sends before the server drops the connection mid-stream; <see langword="null"/>
    /// for a whole answer. A non-streamed request answers with the whole text.
    /// </summary>
    public int? BreakAfterDeltas { get; init; }

    /// <summary>Gets the delay between two streamed deltas.</summary>
    public TimeSpan DelayBetweenDeltas { get; init; }

    /// <summary>A text answer streamed as the given deltas.</summary>
    /// <param name="deltas">The text deltas.</param>
    /// <returns>The reply.</returns>
    public static ScriptedAnthropicReply Text(params string[] deltas) => new() { TextDeltas = deltas };

    /// <summary>A <c>tool_use</c> of the <c>StructuredOutput</c> tool the CLI offers under <c>--json-schema</c>.</summary>
    /// <param name="json">The tool input (the structured output), as JSON.</param>
    /// <returns>The reply.</returns>
    public static ScriptedAnthropicReply StructuredOutput(string json) => new() { StructuredOutputJson = json };

    /// <summary>
    /// A reply that calls tools (<c>stop_reason: tool_use</c>): optional text first, then one <c>tool_use</c> block per call. The CLI
    /// offers MCP tools as <c>mcp__&lt;server&gt;__&lt;name&gt;</c>; pass the name the model sees.
    /// </summary>
    /// <param name="text">The text before the calls; empty for none.</param>
    /// <param name="calls">The calls: id, tool name, input JSON.</param>
    /// <returns>The reply.</returns>
    public static ScriptedAnthropicReply ToolUse(string text, params (string Id, string Name, string InputJson)[] calls) =>
        new() { TextDeltas = text.Length == 0 ? [] : [text], ToolCalls = calls };

    /// <summary>An Anthropic error body with the given status.</summary>
    /// <param name="status">The HTTP status (401, 429, 500, 529, ...).</param>
    /// <param name="message">The error message.</param>
    /// <param name="retryAfterSeconds">The <c>retry-after</c> header, if any.</param>
    /// <returns>The reply.</returns>
    public static ScriptedAnthropicReply Error(HttpStatusCode status, string? message = null, int? retryAfterSeconds = null) => new()
    {
        ErrorStatus = status,
        ErrorType = (int)status switch
        {
            400 => "invalid_request_error",
            401 => "authentication_error",
            403 => "permission_error",
            404 => "not_found_error",
            413 => "request_too_large",
            429 => "rate_limit_error",
            529 => "overloaded_error",
            _ => "api_error",
        },
        ErrorMessage = message ?? $"Scripted error {(int)status}.",
        RetryAfterSeconds = retryAfterSeconds,
    };

    /// <summary>An Anthropic <c>overloaded_error</c> (HTTP 529).</summary>
    /// <returns>The reply.</returns>
    public static ScriptedAnthropicReply Overloaded() => Error((HttpStatusCode)529, "Overloaded");

    /// <summary>A request that is accepted and never answered (until the client gives up or the server stops).</summary>
    /// <returns>The reply.</returns>
    public static ScriptedAnthropicReply Hang() => new() { Hangs = true };
}
