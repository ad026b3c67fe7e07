using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmConnectors.TestServers.Samples;

/// <summary>
/// An OpenRouter-shaped server on loopback that answers the samples, the notebooks and <c>llmc</c> sensibly without
/// a script per test: it reads each request and answers from its content. Also run by <c>Program</c> (the <c>demo</c>
/// command) for the try-it-offline path of README.md.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>POST /api/v1/chat/completions</c>, streaming (with OpenRouter's <c>: OPENROUTER PROCESSING</c> comments
/// and a final usage chunk) and not: a <c>json_schema</c> response format gets a JSON instance of the schema; a
/// message with an image gets a description of the image's media type and size; otherwise the answer names the
/// model and repeats the last user message. The model <see cref="UnavailableModel"/> always answers 503, so that
/// failover can be shown; <see cref="InvalidModel"/> always answers 400. A request that offers tools, and whose last
/// message is the user's, gets a call of the tool named in that message (else the first tool) with arguments made from the
/// tool's schema; a request whose last message is a tool result gets an answer that repeats the result.</item>
/// <item><c>GET /api/v1/models</c>: a small catalogue with prices, context lengths and modalities.</item>
/// <item>A request without <c>Authorization: Bearer {ApiKey}</c> gets OpenRouter's 401 body.</item>
/// </list>
/// </remarks>
public sealed class SampleOpenRouterServer : IAsyncDisposable
{
    public const string ApiKey = "sk-or-v1-scripted-test-key";
    public const string UnavailableModel = "scripted/unavailable";
    public const string InvalidModel = "scripted/invalid";

    private readonly WebApplication _app;

    private SampleOpenRouterServer(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    /// <summary>Gets the value for <c>OPENROUTER_BASE_URL</c>: <c>http://127.0.0.1:port/api/v1</c>.</summary>
    public string BaseUrl { get; }

    /// <summary>Gets every chat completions request received, in order.</summary>
    public ConcurrentQueue<JsonObject> Requests { get; } = new();

    /// <summary>Starts a server on a free loopback port.</summary>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The started server.</returns>
    public static async Task<SampleOpenRouterServer> StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        SampleOpenRouterServer? server = null;

        app.MapGet("/api/v1/models", () => Results.Text(Catalogue, "application/json"));
        app.MapGet("/api/v1/key", async (HttpContext context) =>
        {
            if (context.Request.Headers.Authorization.ToString() != "Bearer " + ApiKey)
            {
                await WriteErrorAsync(context, 401, "User not found.");
                return;
            }

            await context.Response.WriteAsJsonAsync(
                new JsonObject { ["data"] = new JsonObject { ["label"] = "sk-or-v1-scr...key", ["usage"] = 0.25, ["limit"] = null, ["is_free_tier"] = false } },
                context.RequestAborted);
        });
        app.MapPost("/api/v1/chat/completions", async (HttpContext context) =>
        {
            if (context.Request.Headers.Authorization.ToString() != "Bearer " + ApiKey)
            {
                await WriteErrorAsync(context, 401, "No cookie auth credentials found");
                return;
            }

            var request = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted) as JsonObject;
            if (request is null)
            {
                await WriteErrorAsync(context, 400, "The request body is not a JSON object.");
                return;
            }

            server!.Requests.Enqueue(request);
            var model = request["model"]?.GetValue<string>() ?? "openai/gpt-4o-mini";
            if (model == UnavailableModel)
            {
                await WriteErrorAsync(context, 503, "No endpoints available for scripted/unavailable: every provider is down.");
                return;
            }

            if (model == InvalidModel)
            {
                await WriteErrorAsync(context, 400, $"{InvalidModel} is not a valid model ID");
                return;
            }

            if (ToolCall(request) is { } toolCall)
            {
                if (request["stream"]?.GetValue<bool>() == true)
                {
                    await StreamToolCallAsync(context, model, toolCall);
                }
                else
                {
                    await context.Response.WriteAsJsonAsync(ToolCallCompletion(model, toolCall), context.RequestAborted);
                }

                return;
            }

            var answer = Answer(request, model);
            if (request["stream"]?.GetValue<bool>() == true)
            {
                await StreamAsync(context, model, answer);
            }
            else
            {
                await context.Response.WriteAsJsonAsync(Completion(model, answer), context.RequestAborted);
            }
        });

        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new SampleOpenRouterServer(app, address.TrimEnd('/') + "/api/v1");
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>
    /// Gets the tool call to answer with: when the request offers tools and its last message is the user's and mentions a
    /// word of a tool's name, a call of that tool, with arguments that satisfy the tool's parameter schema.
    /// </summary>
    private static JsonObject? ToolCall(JsonObject request)
    {
        if (request["tools"] is not JsonArray { Count: > 0 } tools
            || (request["messages"] as JsonArray)?.LastOrDefault() is not JsonObject last
            || last["role"]?.GetValue<string>() != "user")
        {
            return null;
        }

        var prompt = last["content"] is JsonValue value ? value.GetValue<string>() : last["content"]?.ToJsonString() ?? string.Empty;
        var function = tools.Select(t => t?["function"]).OfType<JsonObject>().FirstOrDefault(f => ScriptedAnswers.MentionsTool(prompt, f["name"]?.GetValue<string>()));
        if (function is null)
        {
            return null;
        }

        var parameters = function["parameters"];
        return new JsonObject
        {
            ["id"] = "call_" + Guid.NewGuid().ToString("N")[..12],
            ["type"] = "function",
            ["function"] = new JsonObject
            {
                ["name"] = function["name"]?.GetValue<string>(),
                ["arguments"] = parameters is null ? "{}" : ScriptedAnswers.SchemaInstance(parameters),
            },
        };
    }

    private static string Answer(JsonObject request, string model)
    {
        if ((request["messages"] as JsonArray)?.LastOrDefault() is JsonObject { } last && last["role"]?.GetValue<string>() == "tool")
        {
            return ScriptedAnswers.ToolResult(model, last["content"] is JsonValue result ? result.GetValue<string>() : last["content"]?.ToJsonString() ?? string.Empty);
        }

        var schema = request["response_format"]?["json_schema"]?["schema"];
        if (schema is not null)
        {
            return ScriptedAnswers.SchemaInstance(schema);
        }

        var lastUser = (request["messages"] as JsonArray)?.LastOrDefault(m => m?["role"]?.GetValue<string>() == "user");
        var text = new StringBuilder();
        var images = new List<string>();
        switch (lastUser?["content"])
        {
            case JsonValue value:
                text.Append(value.GetValue<string>());
                break;
            case JsonArray parts:
                foreach (var part in parts)
                {
                    if (part?["type"]?.GetValue<string>() == "text")
                    {
                        text.Append(part["text"]?.GetValue<string>());
                    }
                    else if (part?["type"]?.GetValue<string>() == "image_url")
                    {
                        images.Add(part["image_url"]?["url"]?.GetValue<string>() ?? string.Empty);
                    }
                }

                break;
        }

        if (request["response_format"]?["type"]?.GetValue<string>() == "json_object")
        {
            return new JsonObject { ["model"] = model, ["answer"] = text.ToString() }.ToJsonString();
        }

        if (images.Count > 0)
        {
            var descriptions = images.Select(DescribeImage);
            return $"I see {images.Count} image(s): {string.Join("; ", descriptions)}. You asked: {text}";
        }

        return ScriptedAnswers.Echo(model, text.ToString());
    }

    private static string DescribeImage(string url)
    {
        if (!url.StartsWith("data:", StringComparison.Ordinal))
        {
            return $"an image at {url}";
        }

        var comma = url.IndexOf(',', StringComparison.Ordinal);
        var mediaType = url[5..url.IndexOf(';', StringComparison.Ordinal)];
        var bytes = System.Convert.FromBase64String(url[(comma + 1)..]);
        var size = mediaType == "image/png" && bytes.Length >= 24
            ? $", {ReadBigEndian(bytes, 16)}x{ReadBigEndian(bytes, 20)} pixels"
            : string.Empty;
        return $"a {mediaType} of {bytes.Length} bytes{size}";
    }

    private static int ReadBigEndian(byte[] bytes, int offset) =>
        (bytes[offset] << 24) | (bytes[offset + 1] << 16) | (bytes[offset + 2] << 8) | bytes[offset + 3];

    private static JsonObject Completion(string model, string answer) => new()
    {
        ["id"] = "gen-" + Guid.NewGuid().ToString("N")[..12],
        ["object"] = "chat.completion",
        ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ["model"] = model,
        ["provider"] = "Scripted",
        ["choices"] = new JsonArray(new JsonObject
        {
            ["index"] = 0,
            ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = answer },
            ["finish_reason"] = "stop",
            ["native_finish_reason"] = "stop",
        }),
        ["usage"] = Usage(answer),
    };

    private static JsonObject ToolCallCompletion(string model, JsonObject toolCall) => new()
    {
        ["id"] = "gen-" + Guid.NewGuid().ToString("N")[..12],
        ["object"] = "chat.completion",
        ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ["model"] = model,
        ["provider"] = "Scripted",
        ["choices"] = new JsonArray(new JsonObject
        {
            ["index"] = 0,
            ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = null, ["tool_calls"] = new JsonArray(toolCall) },
            ["finish_reason"] = "tool_calls",
            ["native_finish_reason"] = "tool_calls",
        }),
        ["usage"] = Usage(string.Empty),
    };

    private static async Task StreamToolCallAsync(HttpContext context, string model, JsonObject toolCall)
    {
        context.Response.ContentType = "text/event-stream";
        var id = "gen-" + Guid.NewGuid().ToString("N")[..12];
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        toolCall["index"] = 0;
        await WriteChunkAsync(context, Chunk(id, created, model, new JsonObject { ["role"] = "assistant", ["tool_calls"] = new JsonArray(toolCall) }, null));
        await WriteChunkAsync(context, Chunk(id, created, model, new JsonObject(), "tool_calls"));
        await context.Response.WriteAsync("data: [DONE]\n\n", context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    private static JsonObject Usage(string answer) => new()
    {
        ["prompt_tokens"] = 12,
        ["completion_tokens"] = Math.Max(1, answer.Length / 4),
        ["total_tokens"] = 12 + Math.Max(1, answer.Length / 4),
        ["cost"] = 0.000021,
    };

    private static async Task StreamAsync(HttpContext context, string model, string answer)
    {
        context.Response.ContentType = "text/event-stream";
        var id = "gen-" + Guid.NewGuid().ToString("N")[..12];
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        await context.Response.WriteAsync(": OPENROUTER PROCESSING\n\n", context.RequestAborted);

        var pieces = SplitKeepingSpaces(answer);
        for (var i = 0; i < pieces.Count; i++)
        {
            var delta = new JsonObject { ["content"] = pieces[i] };
            if (i == 0)
            {
                delta["role"] = "assistant";
            }

            await WriteChunkAsync(context, Chunk(id, created, model, delta, null));
        }

        await WriteChunkAsync(context, Chunk(id, created, model, new JsonObject(), "stop"));
        var usage = Chunk(id, created, model, null, null);
        usage["usage"] = Usage(answer);
        await WriteChunkAsync(context, usage);
        await context.Response.WriteAsync("data: [DONE]\n\n", context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    private static List<string> SplitKeepingSpaces(string text)
    {
        var pieces = new List<string>();
        var start = 0;
        for (var i = 1; i <= text.Length; i++)
        {
            if (i == text.Length || text[i] == ' ')
            {
                pieces.Add(text[start..i]);
                start = i;
            }
        }

        return pieces.Count == 0 ? [string.Empty] : pieces;
    }

    private static JsonObject Chunk(string id, long created, string model, JsonObject? delta, string? finishReason) => new()
    {
        ["id"] = id,
        ["object"] = "chat.completion.chunk",
        ["created"] = created,
        ["model"] = model,
        ["provider"] = "Scripted",
        ["choices"] = delta is null
            ? new JsonArray()
            : new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["delta"] = delta,
                ["finish_reason"] = finishReason,
                ["native_finish_reason"] = finishReason,
            }),
    };

    private static async Task WriteChunkAsync(HttpContext context, JsonObject chunk)
    {
        await context.Response.WriteAsync("data: " + chunk.ToJsonString() + "\n\n", context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    private static async Task WriteErrorAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        await context.Response.WriteAsJsonAsync(
            new JsonObject { ["error"] = new JsonObject { ["message"] = message, ["code"] = status } },
            context.RequestAborted);
    }

    private static readonly string Catalogue = BuildCatalogue();

    private static string BuildCatalogue()
    {
        static JsonObject Model(string id, string name, long context, string prompt, string completion, string[] input, string[] parameters) => new()
        {
            ["id"] = id,
            ["canonical_slug"] = id,
            ["name"] = name,
            ["created"] = 1_750_000_000,
            ["description"] = name + " (scripted catalogue entry).",
            ["context_length"] = context,
            ["architecture"] = new JsonObject
            {
                ["modality"] = string.Join('+', input) + "->text",
                ["input_modalities"] = new JsonArray(input.Select(i => (JsonNode)JsonValue.Create(i)).ToArray()),
                ["output_modalities"] = new JsonArray("text"),
                ["tokenizer"] = "Other",
            },
            ["pricing"] = new JsonObject { ["prompt"] = prompt, ["completion"] = completion, ["request"] = "0", ["image"] = "0" },
            ["top_provider"] = new JsonObject { ["context_length"] = context, ["max_completion_tokens"] = 16384, ["is_moderated"] = false },
            ["supported_parameters"] = new JsonArray(parameters.Select(p => (JsonNode)JsonValue.Create(p)).ToArray()),
        };

        string[] full = ["max_tokens", "temperature", "top_p", "stop", "seed", "tools", "tool_choice", "response_format", "structured_outputs"];
        string[] plain = ["max_tokens", "temperature", "top_p", "stop"];
        var data = new JsonArray(
            Model("openai/gpt-4o-mini", "OpenAI: GPT-4o-mini", 128_000, "0.00000015", "0.0000006", ["text", "image", "file"], full),
            Model("anthropic/claude-sonnet-4.5", "Anthropic: Claude Sonnet 4.5", 1_000_000, "0.000003", "0.000015", ["text", "image", "file"], full),
            Model("google/gemini-2.5-flash", "Google: Gemini 2.5 Flash", 1_048_576, "0.0000003", "0.0000025", ["text", "image", "file", "audio"], full),
            Model("meta-llama/llama-3.1-8b-instruct", "Meta: Llama 3.1 8B Instruct", 131_072, "0.00000002", "0.00000005", ["text"], plain),
            Model("mistralai/mistral-nemo:free", "Mistral: Mistral Nemo (free)", 131_072, "0", "0", ["text"], plain));
        return new JsonObject { ["data"] = data }.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }
}
