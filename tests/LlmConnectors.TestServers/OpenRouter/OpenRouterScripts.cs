using System.Globalization;
using System.Text;
using System.Text.Json;

namespace LlmConnectors.TestServers.OpenRouter;

/// <summary>
/// OpenRouter-shaped answers, as OpenRouter documents them: completions with <c>provider</c>, <c>cost</c> and cached/reasoning tokens,
/// streams with <c>: OPENROUTER PROCESSING</c> comments, fragmented tool calls, reasoning details, mid-stream errors, 200-with-error,
/// 429 with <c>Retry-After</c>, 402, moderation 403, and the <c>/models</c> catalogue.
/// </summary>
public static class OpenRouterScripts
{
    /// <summary>The generation id used by the scripts.</summary>
    public const string GenerationId = "gen-1700000000-abcdefghijklmnop";

    /// <summary>The model the scripts report as used.</summary>
    public const string Model = "openai/gpt-4o-mini";

    /// <summary>The provider the scripts report as serving.</summary>
    public const string Provider = "OpenAI";

    /// <summary>The <c>created</c> time of the scripts (2023-11-14T22:13:20Z).</summary>
    public const long Created = 1700000000;

    /// <summary>The reasoning details of <see cref="CompletionWithReasoning"/> and <see cref="StreamReasoning"/>, merged, as raw JSON.</summary>
    public const string ReasoningDetailsJson =
        """[{"type":"reasoning.text","text":"Let me think. The user wants the weather.","signature":"sig-abc123","format":"anthropic-claude-v1","index":0}]""";

    /// <summary>A complete text answer with usage (cached and reasoning tokens) and cost.</summary>
    /// <param name="text">The answer.</param>
    /// <param name="model">The model reported as used.</param>
    /// <returns>The answer.</returns>
    public static ScriptedResponse Completion(string text, string model = Model) => ScriptedResponse.Json($$$$"""
        {"id":"{{{{GenerationId}}}}","provider":"{{{{Provider}}}}","model":"{{{{model}}}}","object":"chat.completion","created":{{{{Created}}}},
         "choices":[{"index":0,"logprobs":null,"finish_reason":"stop","native_finish_reason":"completed",
           "message":{"role":"assistant","content":{{{{Quote(text)}}}},"refusal":null,"reasoning":null}}],
         "system_fingerprint":"fp_123",
         "usage":{"prompt_tokens":42,"completion_tokens":7,"total_tokens":49,"cost":0.0000123,"is_byok":false,
           "prompt_tokens_details":{"cached_tokens":32,"cache_write_tokens":4,"audio_tokens":0},
           "completion_tokens_details":{"reasoning_tokens":3,"audio_tokens":0}}}
        """);

    /// <summary>A complete answer with <c>reasoning</c>, <c>reasoning_details</c> and a tool call, as an Anthropic thinking model returns it.</summary>
    /// <returns>The answer.</returns>
    public static ScriptedResponse CompletionWithReasoning() => ScriptedResponse.Json($$$$"""
        {"id":"{{{{GenerationId}}}}","provider":"Anthropic","model":"anthropic/claude-sonnet-4.5","object":"chat.completion","created":{{{{Created}}}},
         "choices":[{"index":0,"finish_reason":"tool_calls","native_finish_reason":"tool_use",
           "message":{"role":"assistant","content":"",
             "reasoning":"Let me think. The user wants the weather.",
             "reasoning_details":{{{{ReasoningDetailsJson}}}},
             "tool_calls":[{"id":"toolu_01","type":"function","index":0,"function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]}}],
         "usage":{"prompt_tokens":100,"completion_tokens":50,"total_tokens":150,"cost":0.00123,
           "completion_tokens_details":{"reasoning_tokens":30}}}
        """);

    /// <summary>A streamed text answer, with <c>: OPENROUTER PROCESSING</c> comments before and between chunks and usage in the last chunk.</summary>
    /// <param name="pieces">The text deltas.</param>
    /// <returns>The answer.</returns>
    public static ScriptedResponse StreamText(params string[] pieces)
    {
        var parts = new List<string> { ": OPENROUTER PROCESSING\n\n", ": OPENROUTER PROCESSING\n\n" };
        parts.Add(Data(Chunk("""{"role":"assistant","content":""}""")));
        foreach (var piece in pieces)
        {
            parts.Add(Data(Chunk($$$$"""{"role":"assistant","content":{{{{Quote(piece)}}}}}""")));
            parts.Add(": OPENROUTER PROCESSING\n\n");
        }

        parts.Add(Data(Chunk("""{"role":"assistant","content":""}""", finish: "stop", native: "stop")));
        parts.Add(Data(UsageChunk()));
        parts.Add("data: [DONE]\n\n");
        return ScriptedResponse.Sse(parts);
    }

    /// <summary>A streamed answer with two tool calls whose names and arguments arrive in fragments, keyed by <c>index</c>.</summary>
    /// <returns>The answer.</returns>
    public static ScriptedResponse StreamToolCallFragments() => ScriptedResponse.Sse(
    [
        ": OPENROUTER PROCESSING\n\n",
        Data(Chunk("""{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"get_weather","arguments":""}}]}""")),
        Data(Chunk("""{"role":"assistant","tool_calls":[{"index":0,"function":{"arguments":"{\"ci"}}]}""")),
        Data(Chunk("""{"role":"assistant","tool_calls":[{"index":0,"function":{"arguments":"ty\": \"Par"}}]}""")),
        Data(Chunk("""{"role":"assistant","tool_calls":[{"index":1,"id":"call_2","type":"function","function":{"name":"get_time","arguments":"{\"zone\""}}]}""")),
        Data(Chunk("""{"role":"assistant","tool_calls":[{"index":0,"function":{"arguments":"is\"}"}}]}""")),
        Data(Chunk("""{"role":"assistant","tool_calls":[{"index":1,"function":{"arguments":":\"CET\"}"}}]}""")),
        Data(Chunk("""{"role":"assistant","content":null}""", finish: "tool_calls", native: "tool_calls")),
        Data(UsageChunk()),
        "data: [DONE]\n\n",
    ]);

    /// <summary>A streamed answer with reasoning text and <c>reasoning_details</c> in fragments, then text.</summary>
    /// <returns>The answer.</returns>
    public static ScriptedResponse StreamReasoning() => ScriptedResponse.Sse(
    [
        Data(Chunk("""{"role":"assistant","content":"","reasoning":"Let me think. ","reasoning_details":[{"type":"reasoning.text","text":"Let me think. ","format":"anthropic-claude-v1","index":0}]}""")),
        ": OPENROUTER PROCESSING\n\n",
        Data(Chunk("""{"role":"assistant","content":"","reasoning":"The user wants the weather.","reasoning_details":[{"type":"reasoning.text","text":"The user wants the weather.","format":"anthropic-claude-v1","index":0}]}""")),
        Data(Chunk("""{"role":"assistant","content":"","reasoning_details":[{"type":"reasoning.text","signature":"sig-abc123","format":"anthropic-claude-v1","index":0}]}""")),
        Data(Chunk("""{"role":"assistant","content":"Sunny."}""")),
        Data(Chunk("""{"role":"assistant","content":""}""", finish: "stop", native: "end_turn")),
        Data(UsageChunk()),
        "data: [DONE]\n\n",
    ]);

    /// <summary>A stream that sends text, then a chunk with a top-level <c>error</c> and <c>finish_reason: "error"</c>, as OpenRouter does when the upstream fails mid-stream.</summary>
    /// <returns>The answer.</returns>
    public static ScriptedResponse MidStreamError() => ScriptedResponse.Sse(
    [
        Data(Chunk("""{"role":"assistant","content":"The answer "}""")),
        Data(Chunk("""{"role":"assistant","content":"is"}""")),
        Data($$$$"""{"id":"{{{{GenerationId}}}}","object":"chat.completion.chunk","created":{{{{Created}}}},"model":"{{{{Model}}}}","provider":"{{{{Provider}}}}","error":{"code":"server_error","message":"Provider disconnected unexpectedly"},"choices":[{"index":0,"delta":{"content":""},"finish_reason":"error"}]}"""),
        "data: [DONE]\n\n",
    ]);

    /// <summary>A stream whose last chunk only says <c>finish_reason: "error"</c> (no top-level error).</summary>
    /// <returns>The answer.</returns>
    public static ScriptedResponse StreamFinishReasonError() => ScriptedResponse.Sse(
    [
        Data(Chunk("""{"role":"assistant","content":"Partial"}""")),
        Data($$$$"""{"id":"{{{{GenerationId}}}}","object":"chat.completion.chunk","created":{{{{Created}}}},"model":"{{{{Model}}}}","choices":[{"index":0,"delta":{"content":""},"finish_reason":"error","error":{"code":502,"message":"Upstream error"}}]}"""),
        "data: [DONE]\n\n",
    ]);

    /// <summary>HTTP 200 whose body is an error, as OpenRouter answers when the upstream fails after the status was sent.</summary>
    /// <returns>The answer.</returns>
    public static ScriptedResponse OkWithError() => ScriptedResponse.Json(
        """{"error":{"code":502,"message":"Upstream provider returned an invalid response","metadata":{"provider_name":"Together","raw":"{\"error\":\"bad gateway\"}"}}}""");

    /// <summary>HTTP 429 with <c>Retry-After</c> (delta-seconds).</summary>
    /// <param name="retryAfterSeconds">The value of the header.</param>
    /// <returns>The answer.</returns>
    public static ScriptedResponse RateLimited(int retryAfterSeconds = 1) => ScriptedResponse.Json(
        """{"error":{"code":429,"message":"Rate limit exceeded: free-models-per-min","metadata":{"provider_name":"OpenRouter"}}}""",
        429,
        new Dictionary<string, string> { ["Retry-After"] = retryAfterSeconds.ToString(CultureInfo.InvariantCulture) });

    /// <summary>HTTP 402: no credits left.</summary>
    /// <returns>The answer.</returns>
    public static ScriptedResponse PaymentRequired() => ScriptedResponse.Json(
        """{"error":{"code":402,"message":"This request requires more credits, or fewer max_tokens. You requested up to 4096 tokens, but can only afford 100."}}""", 402);

    /// <summary>HTTP 401: invalid key.</summary>
    /// <returns>The answer.</returns>
    public static ScriptedResponse Unauthorized() => ScriptedResponse.Json("""{"error":{"code":401,"message":"No auth credentials found"}}""", 401);

    /// <summary>HTTP 403: the input was flagged by moderation, with <c>reasons</c> and <c>flagged_input</c> metadata.</summary>
    /// <returns>The answer.</returns>
    public static ScriptedResponse Moderation() => ScriptedResponse.Json(
        """{"error":{"code":403,"message":"Your chosen model requires moderation and your input was flagged","metadata":{"reasons":["violence"],"flagged_input":"...kill...","provider_name":"OpenAI","model_slug":"openai/gpt-4o"}}}""", 403);

    /// <summary>HTTP 503 with a plain-text body (not JSON).</summary>
    /// <returns>The answer.</returns>
    public static ScriptedResponse UnavailableHtml() => new()
    {
        StatusCode = 503,
        ContentType = "text/html",
        BodyParts = ["<html><body>Service Unavailable</body></html>"],
    };

    /// <summary>A <c>/models</c> catalogue with a multimodal model with structured outputs, a text-only one, and one without tools.</summary>
    /// <returns>The JSON body.</returns>
    public static string ModelsCatalogueJson() => """
        {"data":[
          {"id":"openai/gpt-4o-mini","canonical_slug":"openai/gpt-4o-mini","name":"OpenAI: GPT-4o-mini","created":1721260800,
           "description":"GPT-4o mini.","context_length":128000,
           "architecture":{"modality":"text+image->text","input_modalities":["text","image","file"],"output_modalities":["text"],"tokenizer":"GPT"},
           "pricing":{"prompt":"0.00000015","completion":"0.0000006","request":"0","image":"0.000217","web_search":"0","internal_reasoning":"0","input_cache_read":"0.000000075"},
           "top_provider":{"context_length":128000,"max_completion_tokens":16384,"is_moderated":true},
           "supported_parameters":["max_tokens","temperature","tools","tool_choice","response_format","structured_outputs","seed"]},
          {"id":"meta-llama/llama-3.1-8b-instruct","name":"Meta: Llama 3.1 8B Instruct","created":1721692800,"context_length":131072,
           "architecture":{"modality":"text->text","input_modalities":["text"],"output_modalities":["text"]},
           "pricing":{"prompt":"0.00000002","completion":"0.00000005"},
           "top_provider":{"context_length":131072,"max_completion_tokens":8192},
           "supported_parameters":["max_tokens","temperature","response_format","tools"]},
          {"id":"acme/plain-model","name":"Acme plain","context_length":4096,
           "architecture":{"modality":"text->text"},
           "pricing":{"prompt":"0.000001","completion":"0.000002","request":"0.001"},
           "supported_parameters":["max_tokens"]}
        ]}
        """;

    /// <summary>A long streamed answer, as recorded from OpenRouter: <paramref name="chunkCount"/> text chunks of a few tokens, comments, usage and <c>[DONE]</c>.</summary>
    /// <param name="chunkCount">How many text chunks.</param>
    /// <returns>The answer.</returns>
    public static ScriptedResponse LargeStream(int chunkCount = 2000)
    {
        string[] words = ["The ", "quick ", "brown ", "fox ", "jumps ", "over ", "the ", "lazy ", "dog, ", "and ", "keeps ", "running.\n"];
        var parts = new List<string>(chunkCount + 8) { ": OPENROUTER PROCESSING\n\n" };
        parts.Add(Data(Chunk("""{"role":"assistant","content":"","reasoning":null,"reasoning_details":[]}""")));
        for (var i = 0; i < chunkCount; i++)
        {
            parts.Add(Data(Chunk($$$$"""{"role":"assistant","content":{{{{Quote(words[i % words.Length])}}}},"reasoning":null,"reasoning_details":[]}""")));
            if (i % 500 == 499)
            {
                parts.Add(": OPENROUTER PROCESSING\n\n");
            }
        }

        parts.Add(Data(Chunk("""{"role":"assistant","content":"","reasoning":null,"reasoning_details":[]}""", finish: "stop", native: "stop")));
        parts.Add(Data(UsageChunk()));
        parts.Add("data: [DONE]\n\n");
        return ScriptedResponse.Sse(parts);
    }

    /// <summary>Frames one SSE data event.</summary>
    /// <param name="json">The event data.</param>
    /// <returns><c>data: json\n\n</c>.</returns>
    public static string Data(string json) => "data: " + json + "\n\n";

    /// <summary>Builds a <c>chat.completion.chunk</c> around a delta.</summary>
    /// <param name="deltaJson">The delta object.</param>
    /// <param name="finish">The finish reason, or <see langword="null"/>.</param>
    /// <param name="native">The native finish reason, or <see langword="null"/>.</param>
    /// <param name="model">The model.</param>
    /// <returns>The chunk JSON.</returns>
    public static string Chunk(string deltaJson, string? finish = null, string? native = null, string model = Model) =>
        $$$$"""{"id":"{{{{GenerationId}}}}","provider":"{{{{Provider}}}}","model":"{{{{model}}}}","object":"chat.completion.chunk","created":{{{{Created}}}},"choices":[{"index":0,"delta":{{{{deltaJson}}}},"finish_reason":{{{{(finish is null ? "null" : Quote(finish))}}}},"native_finish_reason":{{{{(native is null ? "null" : Quote(native))}}}},"logprobs":null}]}""";

    /// <summary>The last chunk of a stream: empty choices and the usage, with cost.</summary>
    /// <returns>The chunk JSON.</returns>
    public static string UsageChunk() =>
        $$$$"""{"id":"{{{{GenerationId}}}}","provider":"{{{{Provider}}}}","model":"{{{{Model}}}}","object":"chat.completion.chunk","created":{{{{Created}}}},"choices":[],"usage":{"prompt_tokens":42,"completion_tokens":7,"total_tokens":49,"cost":0.0000123,"is_byok":false,"prompt_tokens_details":{"cached_tokens":32},"completion_tokens_details":{"reasoning_tokens":3}}}""";

    /// <summary>An echo answer for a request body: repeats the last user text (default behaviour of the server when nothing is scripted).</summary>
    /// <param name="requestBody">The request JSON.</param>
    /// <returns>The answer, streamed when the request asked for it.</returns>
    public static ScriptedResponse Echo(string requestBody)
    {
        string text = "(no user message)";
        string model = Model;
        var stream = false;
        try
        {
            using var document = JsonDocument.Parse(requestBody);
            var root = document.RootElement;
            stream = root.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
            if (root.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String)
            {
                model = m.GetString()!;
            }

            if (root.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array)
            {
                foreach (var message in messages.EnumerateArray())
                {
                    if (message.TryGetProperty("role", out var role) && role.GetString() == "user" && message.TryGetProperty("content", out var content))
                    {
                        text = TextOf(content);
                    }
                }
            }
        }
        catch (JsonException)
        {
            return ScriptedResponse.Json("""{"error":{"code":400,"message":"The request body is not valid JSON."}}""", 400);
        }

        var answer = "You said: " + text;
        if (!stream)
        {
            return Completion(answer, model);
        }

        var pieces = new List<string>();
        foreach (var word in answer.Split(' '))
        {
            pieces.Add(pieces.Count == 0 ? word : " " + word);
        }

        return StreamText([.. pieces]);
    }

    private static string TextOf(JsonElement content)
    {
        if (content.ValueKind == JsonValueKind.String)
        {
            return content.GetString()!;
        }

        var builder = new StringBuilder();
        if (content.ValueKind == JsonValueKind.Array)
        {
            foreach (var part in content.EnumerateArray())
            {
                if (part.TryGetProperty("type", out var type) && type.GetString() == "text" && part.TryGetProperty("text", out var t))
                {
                    builder.Append(t.GetString());
                }
            }
        }

        return builder.ToString();
    }

    private static string Quote(string text) => JsonSerializer.Serialize(text);
}
