using System.Text.Json;
using System.Text.Json.Nodes;
using LlmConnectors.TestServers.Anthropic;

namespace LlmConnectors.TestServers.Samples;

/// <summary>
/// How the scripted Anthropic backend answers the real <c>claude</c> CLI for the samples, the notebooks, <c>llmc</c> and the
/// <c>demo</c> command: like <see cref="SampleOpenRouterServer"/>, an instance of the schema for structured output, a call of an
/// offered function tool that the prompt names (then an answer that repeats its result), else an echo.
/// </summary>
public static class SampleClaudeReplies
{
    private const string FunctionToolPrefix = "mcp__pack__";

    /// <summary>Answers one request of the CLI from its content.</summary>
    /// <param name="request">What the CLI sent.</param>
    /// <returns>The reply.</returns>
    public static ScriptedAnthropicReply Answer(ReceivedAnthropicRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var model = request.Model ?? "claude";
        var lastUser = request.ConversationMessages.LastOrDefault(m => m.Role == "user");

        // After a tool call, the CLI sends the tool's result back: a function tool's result is repeated, like
        // SampleOpenRouterServer does; after the StructuredOutput call, a short text ends the turn.
        if (lastUser?.Blocks("tool_result") is { Count: > 0 } results)
        {
            var calledFunction = request.ConversationMessages.Where(m => m.Role == "assistant").SelectMany(m => m.Blocks("tool_use"))
                .Any(b => b.GetProperty("name").GetString()?.StartsWith(FunctionToolPrefix, StringComparison.Ordinal) == true);
            return ScriptedAnthropicReply.Text(calledFunction ? ScriptedAnswers.ToolResult(model, ResultText(results[^1])) : "Done.") with { Model = model };
        }

        if (request.Tools.Contains("StructuredOutput"))
        {
            var tools = JsonNode.Parse(request.RawJson)?["tools"] as JsonArray;
            var schema = tools?.FirstOrDefault(t => t?["name"]?.GetValue<string>() == "StructuredOutput")?["input_schema"];
            return ScriptedAnthropicReply.StructuredOutput(schema is null ? "{}" : ScriptedAnswers.SchemaInstance(schema)) with { Model = model };
        }

        var prompt = lastUser is null
            ? string.Empty
            : lastUser.Blocks("text").Select(b => b.GetProperty("text").GetString()).LastOrDefault(t => t is not null && !t.StartsWith("<system-reminder>", StringComparison.Ordinal))
                ?? lastUser.Text;

        // A function tool (offered by the CLI as mcp__pack__<name>) whose name the prompt mentions is called, with arguments
        // made from its schema.
        var function = request.ToolDefinitions.FirstOrDefault(t => t.GetProperty("name").GetString() is { } name
            && name.StartsWith(FunctionToolPrefix, StringComparison.Ordinal)
            && ScriptedAnswers.MentionsTool(prompt, name[FunctionToolPrefix.Length..]));
        if (function.ValueKind == JsonValueKind.Object)
        {
            var arguments = function.TryGetProperty("input_schema", out var inputSchema) ? ScriptedAnswers.SchemaInstance(JsonNode.Parse(inputSchema.GetRawText())!) : "{}";
            return ScriptedAnthropicReply.ToolUse(string.Empty, ("toolu_" + Guid.NewGuid().ToString("N")[..12], function.GetProperty("name").GetString()!, arguments)) with { Model = model };
        }

        var images = lastUser?.Blocks("image").Count ?? 0;
        var answer = ScriptedAnswers.Echo(model, prompt) + (images > 0 ? $" I see {images} image(s)." : string.Empty);
        var words = answer.Split(' ');
        return ScriptedAnthropicReply.Text([.. words.Select((w, i) => i == 0 ? w : " " + w)]) with { Model = model };
    }

    private static string ResultText(JsonElement toolResult) => toolResult.TryGetProperty("content", out var content) ? content.ValueKind switch
    {
        JsonValueKind.String => content.GetString() ?? string.Empty,
        JsonValueKind.Array => string.Concat(content.EnumerateArray().Where(b => b.TryGetProperty("text", out _)).Select(b => b.GetProperty("text").GetString())),
        _ => content.GetRawText(),
    } : string.Empty;
}
