using System.Text.Json;
using LlmConnectors.ClaudeProxy.Http;
using LlmConnectors.OpenAICompatible;
using Microsoft.Extensions.AI;

namespace LlmConnectors.ClaudeProxy.Mapping;

/// <summary>
/// OpenAI function tools in both directions: <c>tools</c>, <c>tool_choice</c> and <c>parallel_tool_calls</c> become
/// <see cref="ChatOptions"/> (function declarations only: the client executes its functions, never the proxy), assistant
/// <c>tool_calls</c> and <c>role: "tool"</c> messages become <see cref="FunctionCallContent"/> and <see cref="FunctionResultContent"/>,
/// and calls in a response become <c>tool_calls</c>.
/// </summary>
internal static class ToolMapper
{
    private static readonly JsonElement EmptyObjectSchema = JsonDocument.Parse("""{"type":"object","properties":{}}""").RootElement.Clone();

    /// <summary>Puts the request's tools and tool choice on the options.</summary>
    /// <param name="request">The parsed body.</param>
    /// <param name="options">The options being built.</param>
    /// <returns>The error to answer with, or <see langword="null"/>.</returns>
    public static ProxyError? MapTools(ChatCompletionRequest request, ChatOptions options)
    {
        if (request.Tools is { Count: > 0 } tools)
        {
            var declarations = new List<AITool>(tools.Count);
            for (var i = 0; i < tools.Count; i++)
            {
                var tool = tools[i];
                if (tool.Type != "function" || tool.Function is not { Name: { Length: > 0 } name } function)
                {
                    return ProxyError.BadRequest($"'tools[{i}]' must be {{\"type\":\"function\",\"function\":{{\"name\":...}}}}; only function tools are supported.", $"tools[{i}]", "invalid_value");
                }

                var schema = function.Parameters is { ValueKind: JsonValueKind.Object } parameters ? parameters : EmptyObjectSchema;
                declarations.Add(AIFunctionFactory.CreateDeclaration(name, function.Description, schema));
            }

            options.Tools = declarations;
        }

        if (request.ToolChoice is { } choice)
        {
            options.ToolMode = choice.FunctionName is { } required
                ? ChatToolMode.RequireSpecific(required)
                : choice.Mode switch
                {
                    "none" => ChatToolMode.None,
                    "required" => ChatToolMode.RequireAny,
                    "auto" or null => ChatToolMode.Auto,
                    _ => null,
                };
            if (options.ToolMode is null)
            {
                return ProxyError.BadRequest($"'tool_choice' is '{choice.Mode}'; it must be 'none', 'auto', 'required' or a named function.", "tool_choice", "invalid_value");
            }
        }

        if (request.ParallelToolCalls is { } parallel)
        {
            options.AllowMultipleToolCalls = parallel;
        }

        return null;
    }

    /// <summary>Maps the <c>tool_calls</c> of an assistant message of the history.</summary>
    /// <param name="calls">The wire calls.</param>
    /// <param name="at">The message's path, for errors.</param>
    /// <param name="contents">The message contents, to which the calls are added.</param>
    /// <returns>The error to answer with, or <see langword="null"/>.</returns>
    public static ProxyError? MapCalls(List<ToolCall> calls, string at, List<AIContent> contents)
    {
        for (var i = 0; i < calls.Count; i++)
        {
            var call = calls[i];
            if (string.IsNullOrEmpty(call.Id) || call.Function is not { Name: { Length: > 0 } name })
            {
                return ProxyError.BadRequest($"'{at}.tool_calls[{i}]' needs an 'id' and a 'function.name'.", $"{at}.tool_calls[{i}]", "invalid_value");
            }

            contents.Add(OpenAIResponseMapper.ToFunctionCall(call.Id, name, call.Function.Arguments, raw: null));
        }

        return null;
    }

    /// <summary>Maps a <c>role: "tool"</c> message: its text is the result of the call it names.</summary>
    /// <param name="wire">The wire message.</param>
    /// <param name="at">The message's path, for errors.</param>
    /// <returns>The message, or the error to answer with.</returns>
    public static (ChatMessage? Message, ProxyError? Error) MapToolMessage(ChatCompletionMessage wire, string at)
    {
        if (string.IsNullOrEmpty(wire.ToolCallId))
        {
            return (null, ProxyError.BadRequest($"Missing required parameter: '{at}.tool_call_id'.", $"{at}.tool_call_id", "missing_required_parameter"));
        }

        var text = wire.Content?.Text ?? string.Concat(wire.Content?.Parts?.Where(p => p.Type == "text").Select(p => p.Text) ?? []);
        return (new ChatMessage(ChatRole.Tool, [new FunctionResultContent(wire.ToolCallId, text)]), null);
    }

    /// <summary>Maps calls of a response to wire <c>tool_calls</c>, numbered from <paramref name="firstIndex"/> (for streamed deltas).</summary>
    /// <param name="calls">The calls.</param>
    /// <param name="firstIndex">The index of the first call, or <see langword="null"/> for a whole message (no index).</param>
    /// <returns>The wire calls, or <see langword="null"/> when there are none.</returns>
    public static List<ToolCall>? ToWire(IEnumerable<FunctionCallContent> calls, int? firstIndex = null)
    {
        List<ToolCall>? wire = null;
        foreach (var call in calls)
        {
            (wire ??= []).Add(new ToolCall
            {
                Index = firstIndex is { } first ? first + wire.Count : null,
                Id = call.CallId,
                Type = "function",
                Function = new FunctionCall { Name = call.Name, Arguments = OpenAIRequestMapper.SerializeArguments(call.Arguments) },
            });
        }

        return wire;
    }
}
