using LlmConnectors.Tests.OpenAICompatible;

namespace LlmConnectors.Tests.OpenRouter;

/// <summary>OpenRouter-shaped bodies for the unit tests, and a client factory over an in-memory handler.</summary>
internal static class OpenRouterTestData
{
    public const string Completion = """
        {"id":"gen-123","provider":"OpenAI","model":"openai/gpt-4o-mini","object":"chat.completion","created":1700000000,
         "choices":[{"index":0,"finish_reason":"stop","native_finish_reason":"completed","message":{"role":"assistant","content":"Hello!","refusal":null}}],
         "system_fingerprint":"fp_1",
         "usage":{"prompt_tokens":42,"completion_tokens":7,"total_tokens":49,"cost":0.0000123,
           "prompt_tokens_details":{"cached_tokens":32,"cache_write_tokens":4,"audio_tokens":1},
           "completion_tokens_details":{"reasoning_tokens":3}}}
        """;

    public const string ReasoningDetails = """[{"type":"reasoning.text","text":"Think.","signature":"sig-1","format":"anthropic-claude-v1","index":0}]""";

    public const string CompletionWithReasoningAndTools = """
        {"id":"gen-456","provider":"Anthropic","model":"anthropic/claude-sonnet-4.5","created":1700000000,
         "choices":[{"index":0,"finish_reason":"tool_calls","native_finish_reason":"tool_use",
           "message":{"role":"assistant","content":"","reasoning":"Think.",
             "reasoning_details":[{"type":"reasoning.text","text":"Think.","signature":"sig-1","format":"anthropic-claude-v1","index":0}],
             "tool_calls":[{"id":"toolu_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},
                           {"id":"toolu_2","type":"function","function":{"name":"broken","arguments":"{not json"}}]}}]}
        """;

    public static string Sse(params string[] events) => string.Concat(events.Select(e => e.StartsWith(':') ? e + "\n\n" : "data: " + e + "\n\n"));

    public static string Chunk(string delta, string? finish = null, string? native = null) =>
        "{\"id\":\"gen-9\",\"provider\":\"Google\",\"model\":\"google/gemini-3-pro\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"choices\":[{\"index\":0,\"delta\":" + delta +
        ",\"finish_reason\":" + (finish is null ? "null" : "\"" + finish + "\"") + ",\"native_finish_reason\":" + (native is null ? "null" : "\"" + native + "\"") + "}]}";

    public const string UsageChunk = """{"id":"gen-9","model":"google/gemini-3-pro","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15,"cost":0.5,"prompt_tokens_details":{"cached_tokens":2},"completion_tokens_details":{"reasoning_tokens":1}}}""";

    public static (OpenRouterChatClient Client, RecordingHandler Handler) CreateClient(Action<OpenRouterClientOptions>? configure = null)
    {
        var handler = new RecordingHandler();
        var options = new OpenRouterClientOptions
        {
            ApiKey = "sk-or-test-secret",
            ModelId = "openai/gpt-4o-mini",
            HttpClient = new HttpClient(handler),
            Retry = new TransportRetryOptions { Enabled = false },
        };
        configure?.Invoke(options);
        return (new OpenRouterChatClient(options), handler);
    }
}
