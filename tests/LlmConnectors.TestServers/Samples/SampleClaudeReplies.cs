using System.Text.Json.Nodes;
using LlmConnectors.TestServers.Anthropic;

namespace LlmConnectors.TestServers.Samples;

/// <summary>
/// How the scripted Anthropic backend answers the real <c>claude</c> CLI for the samples, the notebooks, <c>llmc</c> and the
/// <c>demo</c> command: like <see cref="SampleOpenRouterServer"/>, an instance of the schema for structured output, else an echo.
/// </summary>
public static class SampleClaudeReplies
{
    /// <summary>Answers one request of the CLI from its content.</summary>
    /// <param name="request">What the CLI sent.</param>
    /// <returns>The reply.</returns>
    public static ScriptedAnthropicReply Answer(ReceivedAnthropicRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var model = request.Model ?? "claude";
        var lastUser = request.ConversationMessages.LastOrDefault(m => m.Role == "user");

        // After the StructuredOutput call, the CLI sends the tool's result back for the turn's end: a short text ends it.
        if (lastUser?.Blocks("tool_result").Count > 0)
        {
            return ScriptedAnthropicReply.Text("Done.") with { Model = model };
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
        var images = lastUser?.Blocks("image").Count ?? 0;
        var answer = ScriptedAnswers.Echo(model, prompt) + (images > 0 ? $" I see {images} image(s)." : string.Empty);
        var words = answer.Split(' ');
        return ScriptedAnthropicReply.Text([.. words.Select((w, i) => i == 0 ? w : " " + w)]) with { Model = model };
    }
}
