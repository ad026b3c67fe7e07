using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmConnectors.TestServers.Anthropic;

/// <summary>
/// An Anthropic Messages API backend on loopback (Kestrel, port chosen by the OS) that answers <c>POST /v1/messages</c>
/// with scripted replies and records every request. Point the real Claude CLI at it with
/// <c>ANTHROPIC_BASE_URL=BaseUrl</c>, any <c>ANTHROPIC_API_KEY</c> and <c>CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1</c>.
/// </summary>
/// <remarks>
/// Replies are taken from the queue filled by <see cref="Enqueue"/>; when it is empty, <see cref="DefaultReply"/> answers.
/// Thread-safe: tests and benchmarks may send requests in parallel.
/// </remarks>
public sealed class ScriptedAnthropicServer : IAsyncDisposable
{
    private readonly ConcurrentQueue<ScriptedAnthropicReply> _replies = new();
    private readonly ConcurrentQueue<ReceivedAnthropicRequest> _requests = new();
    private readonly CancellationTokenSource _stopping = new();
    private WebApplication? _app;

    /// <summary>Gets or sets the reply used when the queue is empty. Default: the text <c>Hello world</c> in three deltas.</summary>
    public Func<ReceivedAnthropicRequest, ScriptedAnthropicReply> DefaultReply { get; set; } = _ => ScriptedAnthropicReply.Text("Hel", "lo ", "world");

    /// <summary>Gets the base URL (<c>http://127.0.0.1:port</c>), once started.</summary>
    public string BaseUrl { get; private set; } = string.Empty;

    /// <summary>Gets the requests received so far, in arrival order.</summary>
    public IReadOnlyList<ReceivedAnthropicRequest> Requests => [.. _requests];

    /// <summary>Starts a server on a free loopback port.</summary>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The started server.</returns>
    public static async Task<ScriptedAnthropicServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var server = new ScriptedAnthropicServer();
        await server.StartCoreAsync(cancellationToken).ConfigureAwait(false);
        return server;
    }

    /// <summary>Queues replies; each request takes the next one.</summary>
    /// <param name="replies">The replies, in order.</param>
    public void Enqueue(params ScriptedAnthropicReply[] replies)
    {
        ArgumentNullException.ThrowIfNull(replies);
        foreach (var reply in replies)
        {
            _replies.Enqueue(reply);
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_app is not null)
        {
            await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    private static async Task WriteEventAsync(HttpResponse response, string name, Action<Utf8JsonWriter> data, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", name);
            data(writer);
            writer.WriteEndObject();
        }

        var text = $"event: {name}\ndata: {Encoding.UTF8.GetString(buffer.ToArray())}\n\n";
        await response.WriteAsync(text, cancellationToken).ConfigureAwait(false);
        await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.MapPost("/v1/messages", HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseUrl = address.TrimEnd('/');
        _app = app;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var cancellationToken = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token).Token;
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var request = new ReceivedAnthropicRequest(context.Request.Path + context.Request.QueryString, body, headers);
        _requests.Enqueue(request);
        var reply = _replies.TryDequeue(out var queued) ? queued : DefaultReply(request);
        var response = context.Response;

        if (reply.Hangs)
        {
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            return;
        }

        if (reply.ErrorStatus is { } status)
        {
            response.StatusCode = (int)status;
            response.ContentType = "application/json";
            response.Headers["request-id"] = "req_scripted";
            if (reply.RetryAfterSeconds is { } retryAfter)
            {
                response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            var error = JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["type"] = "error",
                ["error"] = new Dictionary<string, string> { ["type"] = reply.ErrorType ?? "api_error", ["message"] = reply.ErrorMessage ?? string.Empty },
            });
            await response.WriteAsync(error, cancellationToken).ConfigureAwait(false);
            return;
        }

        var model = reply.Model ?? request.Model ?? "claude-scripted";
        if (!request.Stream)
        {
            await WriteNonStreamingAsync(response, reply, model, cancellationToken).ConfigureAwait(false);
            return;
        }

        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        await WriteEventAsync(response, "message_start", w =>
        {
            w.WriteStartObject("message");
            w.WriteString("id", "msg_scripted");
            w.WriteString("type", "message");
            w.WriteString("role", "assistant");
            w.WriteString("model", model);
            w.WriteStartArray("content");
            w.WriteEndArray();
            w.WriteNull("stop_reason");
            w.WriteNull("stop_sequence");
            w.WriteStartObject("usage");
            w.WriteNumber("input_tokens", reply.InputTokens);
            w.WriteNumber("output_tokens", 1);
            w.WriteNumber("cache_read_input_tokens", 3);
            w.WriteNumber("cache_creation_input_tokens", 4);
            w.WriteEndObject();
            w.WriteEndObject();
        }, cancellationToken).ConfigureAwait(false);

        var index = 0;
        if (reply.StructuredOutputJson is null && (reply.ToolCalls.Count == 0 || reply.TextDeltas.Count > 0))
        {
            await WriteEventAsync(response, "content_block_start", w =>
            {
                w.WriteNumber("index", 0);
                w.WriteStartObject("content_block");
                w.WriteString("type", "text");
                w.WriteString("text", string.Empty);
                w.WriteEndObject();
            }, cancellationToken).ConfigureAwait(false);
            var sent = 0;
            foreach (var delta in reply.TextDeltas)
            {
                if (reply.DelayBetweenDeltas > TimeSpan.Zero)
                {
                    await Task.Delay(reply.DelayBetweenDeltas, cancellationToken).ConfigureAwait(false);
                }

                if (sent++ == reply.BreakAfterDeltas)
                {
                    context.Abort();
                    return;
                }

                await WriteEventAsync(response, "content_block_delta", w =>
                {
                    w.WriteNumber("index", 0);
                    w.WriteStartObject("delta");
                    w.WriteString("type", "text_delta");
                    w.WriteString("text", delta);
                    w.WriteEndObject();
                }, cancellationToken).ConfigureAwait(false);
            }

            await WriteEventAsync(response, "content_block_stop", w => w.WriteNumber("index", 0), cancellationToken).ConfigureAwait(false);
            index++;
        }

        IEnumerable<(string Id, string Name, string InputJson)> toolBlocks = reply.StructuredOutputJson is { } json
            ? [("toolu_scripted", "StructuredOutput", json)]
            : reply.ToolCalls;
        foreach (var (id, name, input) in toolBlocks)
        {
            var blockIndex = index++;
            await WriteEventAsync(response, "content_block_start", w =>
            {
                w.WriteNumber("index", blockIndex);
                w.WriteStartObject("content_block");
                w.WriteString("type", "tool_use");
                w.WriteString("id", id);
                w.WriteString("name", name);
                w.WriteStartObject("input");
                w.WriteEndObject();
                w.WriteEndObject();
            }, cancellationToken).ConfigureAwait(false);
            await WriteEventAsync(response, "content_block_delta", w =>
            {
                w.WriteNumber("index", blockIndex);
                w.WriteStartObject("delta");
                w.WriteString("type", "input_json_delta");
                w.WriteString("partial_json", input);
                w.WriteEndObject();
            }, cancellationToken).ConfigureAwait(false);
            await WriteEventAsync(response, "content_block_stop", w => w.WriteNumber("index", blockIndex), cancellationToken).ConfigureAwait(false);
        }

        await WriteEventAsync(response, "message_delta", w =>
        {
            w.WriteStartObject("delta");
            w.WriteString("stop_reason", reply.StructuredOutputJson is null && reply.ToolCalls.Count == 0 ? "end_turn" : "tool_use");
            w.WriteNull("stop_sequence");
            w.WriteEndObject();
            w.WriteStartObject("usage");
            w.WriteNumber("output_tokens", reply.OutputTokens);
            w.WriteEndObject();
        }, cancellationToken).ConfigureAwait(false);
        await WriteEventAsync(response, "message_stop", _ => { }, cancellationToken).ConfigureAwait(false);
    }

    private static async Task WriteNonStreamingAsync(HttpResponse response, ScriptedAnthropicReply reply, string model, CancellationToken cancellationToken)
    {
        response.ContentType = "application/json";
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("id", "msg_scripted");
            w.WriteString("type", "message");
            w.WriteString("role", "assistant");
            w.WriteString("model", model);
            w.WriteStartArray("content");
            w.WriteStartObject();
            if (reply.StructuredOutputJson is { } json)
            {
                w.WriteString("type", "tool_use");
                w.WriteString("id", "toolu_scripted");
                w.WriteString("name", "StructuredOutput");
                w.WritePropertyName("input");
                w.WriteRawValue(json);
            }
            else
            {
                w.WriteString("type", "text");
                w.WriteString("text", string.Concat(reply.TextDeltas));
            }

            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteString("stop_reason", reply.StructuredOutputJson is null ? "end_turn" : "tool_use");
            w.WriteNull("stop_sequence");
            w.WriteStartObject("usage");
            w.WriteNumber("input_tokens", reply.InputTokens);
            w.WriteNumber("output_tokens", reply.OutputTokens);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        await response.Body.WriteAsync(buffer.ToArray(), cancellationToken).ConfigureAwait(false);
    }
}
