using LlmConnectors.TestServers.OpenRouter;

namespace LlmConnectors.TestServers.Google;

/// <summary>
/// Answers shaped like Google's OpenAI-compatible endpoints (Gemini API and Vertex AI), for <see cref="OpenRouterTestServer"/>, which
/// serves any <c>.../chat/completions</c> path: tool calls carrying a thought signature in <c>extra_content.google.thought_signature</c>,
/// streamed and not, and errors in Google's array form <c>[{"error":{...}}]</c>.
/// </summary>
public static class GeminiScripts
{
    /// <summary>The model the scripts report.</summary>
    public const string Model = "gemini-2.5-flash";

    /// <summary>The thought signature the scripts attach to their tool call.</summary>
    public const string ThoughtSignature = "CiQB0e2Kb3NpZ25hdHVyZS1vZi10aGUtdGhvdWdodA==";

    /// <summary>The <c>extra_content</c> object of the scripted tool call, as raw JSON.</summary>
    public const string ExtraContentJson = """{"google":{"thought_signature":"CiQB0e2Kb3NpZ25hdHVyZS1vZi10aGUtdGhvdWdodA=="}}""";

    /// <summary>A complete answer with one tool call (<c>get_weather</c> for Paris) carrying a thought signature.</summary>
    /// <returns>The answer.</returns>
    public static ScriptedResponse ToolCallWithSignature() => ScriptedResponse.Json($$$$"""
        {"id":"gemini-1","object":"chat.completion","created":1700000000,"model":"{{{{Model}}}}",
         "choices":[{"index":0,"finish_reason":"tool_calls","message":{"role":"assistant",
           "tool_calls":[{"id":"call_g1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"},
             "extra_content":{{{{ExtraContentJson}}}}}]}}],
         "usage":{"prompt_tokens":20,"completion_tokens":8,"total_tokens":28}}
        """);

    /// <summary>The same tool call, streamed: the signature arrives on the first fragment of the call.</summary>
    /// <returns>The answer.</returns>
    public static ScriptedResponse StreamToolCallWithSignature() => ScriptedResponse.Sse(
    [
        Data($$$$"""{"role":"assistant","tool_calls":[{"index":0,"id":"call_g1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":"},"extra_content":{{{{ExtraContentJson}}}}}]}"""),
        Data("""{"role":"assistant","tool_calls":[{"index":0,"function":{"arguments":"\"Paris\"}"}}]}"""),
        Data("""{"role":"assistant"}""", finish: "tool_calls"),
        "data: [DONE]\n\n",
    ]);

    /// <summary>A streamed text answer.</summary>
    /// <param name="pieces">The text deltas.</param>
    /// <returns>The answer.</returns>
    public static ScriptedResponse StreamText(params string[] pieces)
    {
        var parts = new List<string>();
        foreach (var piece in pieces)
        {
            parts.Add(Data($$$$"""{"role":"assistant","content":{{{{System.Text.Json.JsonSerializer.Serialize(piece)}}}}}"""));
        }

        parts.Add(Data("""{"role":"assistant","content":""}""", finish: "stop"));
        parts.Add("data: [DONE]\n\n");
        return ScriptedResponse.Sse(parts);
    }

    /// <summary>A complete text answer.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The answer.</returns>
    public static ScriptedResponse Completion(string text) => OpenRouterScripts.Completion(text, Model);

    /// <summary>An error in Google's form: a JSON array holding one error object with <c>code</c>, <c>message</c> and <c>status</c>.</summary>
    /// <param name="status">The HTTP status.</param>
    /// <param name="googleStatus">Google's status name (<c>RESOURCE_EXHAUSTED</c>, <c>INVALID_ARGUMENT</c>, <c>UNAVAILABLE</c>, ...).</param>
    /// <param name="message">The message.</param>
    /// <returns>The answer.</returns>
    public static ScriptedResponse Error(int status, string googleStatus, string message) => ScriptedResponse.Json(
        $$$$"""[{"error":{"code":{{{{status}}}},"message":{{{{System.Text.Json.JsonSerializer.Serialize(message)}}}},"status":"{{{{googleStatus}}}}"}}]""", status);

    private static string Data(string deltaJson, string? finish = null) =>
        "data: " + $$$$"""{"id":"gemini-1","object":"chat.completion.chunk","created":1700000000,"model":"{{{{Model}}}}","choices":[{"index":0,"delta":{{{{deltaJson}}}},"finish_reason":{{{{(finish is null ? "null" : $"\"{finish}\"")}}}}}]}""" + "\n\n";
}
