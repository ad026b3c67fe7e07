using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;

namespace LlmConnectors.ClaudeCli;

/// <summary>
/// The caller's function tools as an in-process MCP server on the CLI's stream-json control channel (the Agent SDKs' "SDK MCP
/// servers"): answers the CLI's <c>mcp_message</c> control requests (<c>initialize</c>, <c>tools/list</c>, <c>tools/call</c>), and
/// watches the model's output for calls of those tools, so that a turn ending in calls comes back to the caller as
/// <see cref="FunctionCallContent"/> while the process waits, unanswered, on <c>tools/call</c>. The CLI never executes anything.
/// </summary>
/// <remarks>
/// Seen on the pinned CLI 2.1.330: with <c>--mcp-config {"mcpServers":{"pack":{"type":"sdk","name":"pack"}}}</c> and the tools in
/// <c>--allowedTools</c>, the CLI sends <c>initialize</c>, <c>notifications/initialized</c> and <c>tools/list</c> when the first user line
/// arrives, offers the model the tools as <c>mcp__pack__&lt;name&gt;</c> (next to a <c>DeferredToolPlaceholder</c> of its own), and sends
/// one <c>tools/call</c> per call with the model's call id in <c>_meta["claudecode/toolUseId"]</c>, waiting for each answer.
/// One instance serves one request in one process (it is not thread-safe).
/// </remarks>
internal sealed partial class ClaudeCliToolBridge
{
    /// <summary>The MCP server name, and so the prefix of every tool name the model sees.</summary>
    public const string ServerName = "pack";

    /// <summary>The <c>--max-turns</c> of a tool process: each round trip is a turn, and every one waits for the caller.</summary>
    public const int MaxTurns = 100;

    private const string Prefix = "mcp__" + ServerName + "__";
    private const int MaxNameLength = 64 - 11;
    private readonly Dictionary<string, AIFunctionDeclaration> _tools;
    private readonly Dictionary<int, (string Id, string Name, StringBuilder Input)> _blocks = [];
    private readonly List<FunctionCallContent> _calls = [];
    private readonly StringBuilder _text = new();
    private readonly List<WaitingCall> _waiting = [];
    private IReadOnlyDictionary<string, FunctionResultContent> _results = new Dictionary<string, FunctionResultContent>();
    private string? _stopReason;

    private ClaudeCliToolBridge(Dictionary<string, AIFunctionDeclaration> tools, string? instructions)
    {
        _tools = tools;
        Instructions = instructions;
    }

    /// <summary>Gets the names the CLI allows (<c>--allowedTools</c>): exactly the declared functions, under the server's prefix.</summary>
    public IEnumerable<string> AllowedToolNames => _tools.Keys.Select(name => Prefix + name);

    /// <summary>Gets the start-up flags that declare the in-process server (ClaudeCliChannel's --strict-mcp-config keeps every other server out).</summary>
    public static IReadOnlyList<string> StartArguments { get; } =
        ["--mcp-config", """{"mcpServers":{"pack":{"type":"sdk","name":"pack"}}}"""];

    /// <summary>Gets the system instruction that carries a required tool mode, if any (the CLI has no <c>tool_choice</c> switch).</summary>
    public string? Instructions { get; }

    /// <summary>Gets the calls of the model's last message, once <see cref="EndsInToolCalls"/>.</summary>
    public IReadOnlyList<FunctionCallContent> Calls => _calls;

    /// <summary>Gets the text of the model's last message (the non-streaming answer of a turn that ends in calls).</summary>
    public string Text => _text.ToString();

    /// <summary>Gets the <c>tools/call</c> requests read and left unanswered: the process waits on them.</summary>
    public IReadOnlyList<WaitingCall> Waiting => _waiting;

    /// <summary>Gets a value indicating whether the model's last message ended the turn with calls of the caller's functions.</summary>
    public bool EndsInToolCalls => _stopReason == "tool_use" && _calls.Count > 0;

    /// <summary>
    /// Builds the bridge of a request, or returns <see langword="null"/> when it offers no function (no tools, or
    /// <see cref="ChatToolMode.None"/>).
    /// </summary>
    /// <param name="tools">The declared functions of the request.</param>
    /// <param name="mode">The tool mode of the request.</param>
    /// <returns>The bridge, or <see langword="null"/>.</returns>
    public static ClaudeCliToolBridge? Create(IReadOnlyList<AIFunctionDeclaration> tools, ChatToolMode? mode)
    {
        if (tools.Count == 0 || mode is NoneChatToolMode)
        {
            return null;
        }

        var offered = new Dictionary<string, AIFunctionDeclaration>(StringComparer.Ordinal);
        string? instructions = null;
        if (mode is RequiredChatToolMode { RequiredFunctionName: { } required })
        {
            offered[required] = tools.First(t => t.Name == required);
            instructions = $"Answer by calling the tool {Prefix}{required}; do not answer in text.";
        }
        else
        {
            foreach (var tool in tools)
            {
                offered[tool.Name] = tool;
            }

            if (mode is RequiredChatToolMode)
            {
                instructions = "Answer by calling one or more of the available tools; do not answer in text.";
            }
        }

        return new ClaudeCliToolBridge(offered, instructions);
    }

    /// <summary>Checks the function tools of a request: names the model can call, no duplicates, a required function that exists.</summary>
    /// <param name="tools">The declared functions.</param>
    /// <param name="mode">The tool mode.</param>
    /// <param name="paramName">The caller's parameter name, for the exception.</param>
    /// <exception cref="ArgumentException">A name is not valid, is repeated, or the required function is not declared.</exception>
    public static void Validate(IReadOnlyList<AIFunctionDeclaration> tools, ChatToolMode? mode, string paramName)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tool in tools)
        {
            if (!IsValidName(tool.Name))
            {
                throw new ArgumentException(
                    $"ChatOptions.Tools has a function named '{Truncate(tool.Name)}'; over the Claude CLI a function name must be 1 to {MaxNameLength} ASCII letters, digits, '_' or '-'. Rename the function.",
                    paramName);
            }

            if (!seen.Add(tool.Name))
            {
                throw new ArgumentException($"ChatOptions.Tools declares the function '{tool.Name}' twice; function names must be unique.", paramName);
            }
        }

        if (mode is RequiredChatToolMode { RequiredFunctionName: { } required } && !seen.Contains(required))
        {
            throw new ArgumentException($"ChatOptions.ToolMode requires the function '{Truncate(required)}', which ChatOptions.Tools does not declare.", paramName);
        }
    }

    /// <summary>Gives the results the caller brought for the calls the process is waiting on.</summary>
    /// <param name="results">The results, by call id.</param>
    public void SetResults(IReadOnlyDictionary<string, FunctionResultContent> results) => _results = results;

    /// <summary>
    /// Answers the <c>tools/call</c> requests a parked process read before it was parked, with the results the caller brought; a
    /// request without a result stays waiting.
    /// </summary>
    /// <param name="waiting">The requests the process waits on.</param>
    /// <returns>The <c>control_response</c> lines to write.</returns>
    public IReadOnlyList<byte[]> AnswerWaiting(IReadOnlyList<WaitingCall> waiting)
    {
        var answers = new List<byte[]>();
        foreach (var call in waiting)
        {
            if (_results.TryGetValue(call.CallId, out var result))
            {
                answers.Add(CallResult(call.RequestId, call.RpcId, result));
            }
            else
            {
                _waiting.Add(call);
            }
        }

        return answers;
    }

    /// <summary>Follows the model's output: tool calls and text of the current message.</summary>
    /// <param name="streamEvent">The <c>event</c> of a <c>stream_event</c> line.</param>
    public void Observe(JsonElement streamEvent)
    {
        switch (StringProperty(streamEvent, "type"))
        {
            case "message_start":
                _blocks.Clear();
                _calls.Clear();
                _text.Clear();
                _stopReason = null;
                break;
            case "content_block_start" when streamEvent.TryGetProperty("content_block", out var block) && StringProperty(block, "type") == "tool_use":
                _blocks[Index(streamEvent)] = (StringProperty(block, "id") ?? string.Empty, StringProperty(block, "name") ?? string.Empty, new StringBuilder());
                break;
            case "content_block_delta" when streamEvent.TryGetProperty("delta", out var delta):
                if (StringProperty(delta, "type") == "input_json_delta" && _blocks.TryGetValue(Index(streamEvent), out var open))
                {
                    _ = open.Input.Append(StringProperty(delta, "partial_json"));
                }
                else if (StringProperty(delta, "type") == "text_delta")
                {
                    _ = _text.Append(StringProperty(delta, "text"));
                }

                break;
            case "content_block_stop" when _blocks.Remove(Index(streamEvent), out var done):
                if (done.Name.StartsWith(Prefix, StringComparison.Ordinal) && _tools.ContainsKey(done.Name[Prefix.Length..]))
                {
                    _calls.Add(new FunctionCallContent(done.Id, done.Name[Prefix.Length..], ParseArguments(done.Input.ToString())));
                }

                break;
            case "message_delta" when streamEvent.TryGetProperty("delta", out var messageDelta):
                _stopReason = StringProperty(messageDelta, "stop_reason");
                break;
            default:
                break;
        }
    }

    /// <summary>
    /// Answers an <c>mcp_message</c> control request of the CLI: the server's handshake, its tool list, and the calls whose results
    /// the caller brought. A call without a result is left unanswered: the process waits on it until the caller brings the result.
    /// </summary>
    /// <param name="controlRequest">The whole <c>control_request</c> line.</param>
    /// <returns>The <c>control_response</c> line to write, or <see langword="null"/> when nothing is to be answered now.</returns>
    public byte[]? Answer(JsonElement controlRequest)
    {
        if (!controlRequest.TryGetProperty("request", out var request) || StringProperty(request, "subtype") != "mcp_message"
            || StringProperty(controlRequest, "request_id") is not { } requestId || !request.TryGetProperty("message", out var message))
        {
            return null;
        }

        var id = message.TryGetProperty("id", out var rpcId) ? rpcId.Clone() : (JsonElement?)null;
        switch (StringProperty(message, "method"))
        {
            case "initialize":
                var version = message.TryGetProperty("params", out var init) ? StringProperty(init, "protocolVersion") : null;
                return Respond(requestId, id, w =>
                {
                    w.WriteString("protocolVersion", version ?? "2025-06-18");
                    w.WriteStartObject("capabilities");
                    w.WriteStartObject("tools");
                    w.WriteEndObject();
                    w.WriteEndObject();
                    w.WriteStartObject("serverInfo");
                    w.WriteString("name", ServerName);
                    w.WriteString("version", "1.0.0");
                    w.WriteEndObject();
                });
            case "tools/list":
                return Respond(requestId, id, w =>
                {
                    w.WriteStartArray("tools");
                    foreach (var (name, tool) in _tools)
                    {
                        w.WriteStartObject();
                        w.WriteString("name", name);
                        w.WriteString("description", tool.Description ?? string.Empty);
                        w.WritePropertyName("inputSchema");
                        if (tool.JsonSchema.ValueKind == JsonValueKind.Object)
                        {
                            tool.JsonSchema.WriteTo(w);
                        }
                        else
                        {
                            w.WriteRawValue("""{"type":"object","properties":{}}""");
                        }

                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                });
            case "tools/call":
                var callId = message.TryGetProperty("params", out var call) && call.TryGetProperty("_meta", out var meta)
                    ? StringProperty(meta, "claudecode/toolUseId")
                    : null;
                if (callId is null)
                {
                    return Respond(requestId, id, null);
                }

                if (!_results.TryGetValue(callId, out var result))
                {
                    _waiting.Add(new WaitingCall(requestId, id, callId));
                    return null;
                }

                return CallResult(requestId, id, result);
            case { } method when method.StartsWith("notifications/", StringComparison.Ordinal):
                return Respond(requestId, null, _ => { });
            default:
                return Respond(requestId, id, null);
        }
    }

    /// <summary>The MCP name of a function, as the model sees it.</summary>
    /// <param name="name">The function name.</param>
    /// <returns>The prefixed name.</returns>
    public static string ModelToolName(string name) => Prefix + name;

    /// <summary>The text the model receives for a function result (a string as is, anything else as JSON).</summary>
    /// <param name="result">The result.</param>
    /// <returns>The text.</returns>
    public static string ResultText(FunctionResultContent result) => result.Result switch
    {
        null => result.Exception is { } e ? "Error: " + e.Message : "null",
        string text => text,
        JsonElement { ValueKind: JsonValueKind.String } element => element.GetString() ?? string.Empty,
        var other => JsonSerializer.Serialize(other, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(object))),
    };

    private static byte[] CallResult(string requestId, JsonElement? rpcId, FunctionResultContent result) => Respond(requestId, rpcId, w =>
    {
        w.WriteStartArray("content");
        w.WriteStartObject();
        w.WriteString("type", "text");
        w.WriteString("text", ResultText(result));
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteBoolean("isError", result.Exception is not null);
    });

    private static Dictionary<string, object?>? ParseArguments(string json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return [];
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone(), StringComparer.Ordinal)
                : [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private static bool IsValidName(string? name) => name is { Length: > 0 and <= MaxNameLength } && NamePattern().IsMatch(name);

    private static string Truncate(string? name) => name is null ? string.Empty : name.Length > 80 ? name[..80] + "..." : name;

    private static int Index(JsonElement streamEvent) =>
        streamEvent.TryGetProperty("index", out var index) && index.ValueKind == JsonValueKind.Number ? index.GetInt32() : -1;

    private static string? StringProperty(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>A <c>control_response</c> carrying a JSON-RPC reply: a result written by <paramref name="result"/>, or "method not found" when it is null.</summary>
    private static byte[] Respond(string requestId, JsonElement? rpcId, Action<Utf8JsonWriter>? result)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("type", "control_response");
            w.WriteStartObject("response");
            w.WriteString("subtype", "success");
            w.WriteString("request_id", requestId);
            w.WriteStartObject("response");
            w.WriteStartObject("mcp_response");
            w.WriteString("jsonrpc", "2.0");
            if (rpcId is { } id)
            {
                w.WritePropertyName("id");
                id.WriteTo(w);
            }

            if (result is null)
            {
                w.WriteStartObject("error");
                w.WriteNumber("code", -32601);
                w.WriteString("message", "Method not found");
                w.WriteEndObject();
            }
            else
            {
                w.WriteStartObject("result");
                result(w);
                w.WriteEndObject();
            }

            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex NamePattern();

    /// <summary>A <c>tools/call</c> request of the CLI that waits for its result.</summary>
    /// <param name="RequestId">The control request id.</param>
    /// <param name="RpcId">The JSON-RPC id.</param>
    /// <param name="CallId">The model's call id (<c>_meta["claudecode/toolUseId"]</c>).</param>
    internal readonly record struct WaitingCall(string RequestId, JsonElement? RpcId, string CallId);
}
