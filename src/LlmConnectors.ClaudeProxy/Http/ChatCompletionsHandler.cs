using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using LlmConnectors.ClaudeProxy.Configuration;
using LlmConnectors.ClaudeProxy.Mapping;
using LlmConnectors.ClaudeProxy.Telemetry;
using LlmConnectors.OpenAICompatible;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace LlmConnectors.ClaudeProxy.Http;

/// <summary>
/// Serves <c>POST /v1/chat/completions</c>: parse, map, queue, call the chat client, answer as JSON or server-sent events. The chat
/// client it calls is the served one behind the proxy's request queue (<see cref="ProxyRequestLimit"/>) and, when configured, the
/// shared response cache in front of it.
/// </summary>
internal sealed class ChatCompletionsHandler(
    IChatClient chatClient,
    ChatRequestMapper mapper,
    ProxyTelemetry telemetry,
    IOptions<ClaudeProxyOptions> options,
    ILogger<ChatCompletionsHandler> logger)
{
    /// <summary>The response header naming the parameters ignored under <c>UnsupportedParameters=Ignore</c>.</summary>
    public const string IgnoredParametersHeader = "X-ClaudeProxy-Ignored-Parameters";

    private static readonly byte[] DataPrefix = "data: "u8.ToArray();
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();
    private static readonly byte[] DoneEvent = "data: [DONE]\n\n"u8.ToArray();

    /// <summary>The longest failure reason logged on one line.</summary>
    private const int MaxLoggedReasonLength = 500;

    private readonly ClaudeProxyOptions _options = options.Value;

    /// <summary>Handles one request.</summary>
    /// <param name="context">The request.</param>
    /// <returns>A task that completes when the response is written.</returns>
    public async Task HandleAsync(HttpContext context)
    {
        var requestId = context.TraceIdentifier;
        var started = Stopwatch.GetTimestamp();

        var (wire, parseError) = await RequestBodyReader.ReadAsync(context, _options.MaxRequestBodyBytes);
        if (parseError is not null)
        {
            await RejectAsync(context, requestId, parseError);
            return;
        }

        var (request, mapError) = await mapper.MapAsync(wire!, context.RequestAborted);
        if (mapError is not null)
        {
            await RejectAsync(context, requestId, mapError);
            return;
        }

        context.Response.Headers[Replicas.ConversationAffinity.HeaderName] = Replicas.ConversationAffinity.Key(Replicas.CallerPartition.Get(context), request!.RequestedModel, request.Messages);
        await AdaptToBackendAsync(request!, context.RequestAborted);
        if (request!.IgnoredParameters.Count > 0)
        {
            var names = string.Join(", ", request.IgnoredParameters);
            context.Response.Headers[IgnoredParametersHeader] = names;
            ProxyLog.IgnoredParameters(logger, requestId, names);
        }

        if (logger.IsEnabled(LogLevel.Trace))
        {
            ProxyLog.Prompt(logger, requestId, DescribePrompt(request.Messages));
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        timeout.CancelAfter(_options.RequestTimeout);
        var outcome = new Outcome(request.RequestedModel);
        try
        {
            if (request.Stream)
            {
                await StreamAsync(context, request, outcome, started, timeout.Token);
            }
            else
            {
                var response = await chatClient.GetResponseAsync(request.Messages, request.Options, timeout.Token);
                outcome.Succeed(response.ResponseId, response.ModelId, ChatResponseMapper.ToWire(response.FinishReason), response.Usage, ChatResponseMapper.FindCost(response.AdditionalProperties));
                var body = JsonSerializer.SerializeToUtf8Bytes(ChatResponseMapper.ToCompletion(response, request.RequestedModel), OpenAIWireJsonContext.Default.ChatCompletionResponse);
                context.Response.StatusCode = StatusCodes.Status200OK;
                context.Response.ContentType = "application/json";
                context.Response.ContentLength = body.Length;
                await context.Response.Body.WriteAsync(body, context.RequestAborted);
            }
        }
        catch (Exception) when (context.RequestAborted.IsCancellationRequested)
        {
            outcome.Disconnected();
            ProxyLog.ClientDisconnected(logger, requestId);
        }
        catch (ProxyRejectedException rejected)
        {
            // Turned away by the queue before it started: full (429), or still queued when shutdown began (503, answered now
            // rather than after the shutdown timeout with a reset connection).
            if (rejected.Error.Code == "queue_full")
            {
                ProxyLog.QueueFull(logger, requestId, _options.MaxConcurrentRequests, _options.QueueLimit);
            }
            else
            {
                ProxyHttpLog.ShuttingDown(logger, requestId);
            }

            outcome.Fail(rejected.Error);
            await rejected.Error.WriteResponseAsync(context);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            outcome.Fail(new ProxyError(HttpStatusCode.GatewayTimeout, $"The model did not answer within {_options.RequestTimeout} (ClaudeProxy:RequestTimeout); the request was cancelled.", "api_error", Code: "timeout"));
            await WriteFailureAsync(context, outcome.Error!);
        }
        catch (Exception e)
        {
            var error = ExceptionMapper.Map(e, requestId, _options.QueueFullRetryAfter);
            LogBackendFailure(e, requestId, error);
            outcome.Fail(error);
            await WriteFailureAsync(context, error);
        }
        finally
        {
            var elapsed = Stopwatch.GetElapsedTime(started);
            telemetry.RecordOutcome(outcome.ErrorType, outcome.IsDisconnected);
            ProxyLog.ChatCompleted(
                logger,
                requestId,
                request.RequestedModel,
                request.Stream,
                outcome.Name,
                outcome.Error is { } err ? (int)err.Status : outcome.IsDisconnected ? 499 : 200,
                (long)elapsed.TotalMilliseconds,
                outcome.Usage?.InputTokenCount,
                outcome.Usage?.OutputTokenCount,
                outcome.Cost,
                ClientText.Quote(request.User));
        }
    }

    /// <summary>
    /// Logs a failure of the chat client: a failure of a known kind (the CLI is missing, the upstream is busy or refused the request,
    /// a timeout) as one Warning line; anything unexpected as an Error with its stack trace.
    /// </summary>
    private void LogBackendFailure(Exception e, string requestId, ProxyError error)
    {
        var reason = e switch
        {
            LlmConnectorException { Kind: LlmErrorKind.NotInstalled } =>
                "the Claude CLI cannot be started; install it or set ClaudeProxy:Cli:ExecutablePath to its full path (GET /health/ready reports it)",
            LlmConnectorException { Kind: not (LlmErrorKind.Unknown or LlmErrorKind.ProtocolError or LlmErrorKind.ProcessFailed) } or TimeoutException =>
                ClientText.Quote(e.Message, MaxLoggedReasonLength),
            _ => null,
        };
        if (reason is null)
        {
            ProxyLog.BackendFailed(logger, e, requestId, (int)error.Status, error.Code);
        }
        else
        {
            ProxyHttpLog.BackendFailedExpected(logger, requestId, reason, (int)error.Status, error.Code);
        }
    }

    /// <summary>Writes an error as the response, or as a last SSE event when a stream has started.</summary>
    private static async Task WriteFailureAsync(HttpContext context, ProxyError error)
    {
        if (!context.Response.HasStarted)
        {
            await error.WriteResponseAsync(context);
            return;
        }

        var buffer = new ArrayBufferWriter<byte>(512);
        buffer.Write(DataPrefix);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            error.WriteTo(writer);
        }

        buffer.Write(EventEnd);
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    /// <summary>The schema that turns <c>json_object</c> into native structured output for a backend that enforces schemas only.</summary>
    private static readonly JsonElement AnyObjectSchema = JsonDocument.Parse("""{"type":"object"}""").RootElement.Clone();

    /// <summary>
    /// Fits the request to what the backend honours, asking it through <see cref="IModelCapabilityProvider"/>: <c>json_object</c> becomes
    /// a schema of any object where only schemas are enforced natively.
    /// </summary>
    private async Task AdaptToBackendAsync(MappedRequest request, CancellationToken cancellationToken)
    {
        if (request.Options.ResponseFormat is ChatResponseFormatJson { Schema: null } &&
            chatClient.GetService<IModelCapabilityProvider>() is { } capabilities &&
            await capabilities.GetModelCapabilitiesAsync(request.Options.ModelId, cancellationToken) is { SupportsJsonObject: false, SupportsJsonSchema: true })
        {
            request.Options.ResponseFormat = ChatResponseFormat.ForJsonSchema(AnyObjectSchema, "json_object", "Any JSON object.");
        }
    }

    private static string DescribePrompt(List<ChatMessage> messages)
    {
        var builder = new StringBuilder();
        foreach (var message in messages)
        {
            builder.Append('[').Append(message.Role.Value).Append("] ").Append(message.Text);
            var attachments = message.Contents.Count(c => c is DataContent);
            if (attachments > 0)
            {
                builder.Append(" (+").Append(attachments).Append(" attachments)");
            }

            builder.Append('\n');
        }

        return builder.ToString();
    }

    private async Task RejectAsync(HttpContext context, string requestId, ProxyError error)
    {
        ProxyLog.Rejected(logger, requestId, (int)error.Status, error.Code, error.Message);
        await error.WriteResponseAsync(context);
    }

    private async Task StreamAsync(HttpContext context, MappedRequest request, Outcome outcome, long started, CancellationToken cancellationToken)
    {
        var updates = chatClient.GetStreamingResponseAsync(request.Messages, request.Options, cancellationToken);
        await using var enumerator = updates.GetAsyncEnumerator(cancellationToken);

        // The first update decides between an HTTP error status and a stream: errors before it are answered as ordinary errors.
        var hasCurrent = await enumerator.MoveNextAsync();

        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";

        var id = ChatResponseMapper.NewId();
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var model = request.RequestedModel;
        var buffer = new ArrayBufferWriter<byte>(1024);
        UsageDetails? usage = null;
        ChatFinishReason? finishReason = null;
        string? responseId = null;
        string? responseModel = null;
        decimal? cost = null;
        var toolCalls = 0;

        await WriteChunkAsync(ChatResponseMapper.Chunk(id, created, model, new ChatCompletionMessage { Role = "assistant", Content = new MessageContent { Text = string.Empty } }));

        while (hasCurrent)
        {
            var update = enumerator.Current;
            responseId ??= update.ResponseId;
            responseModel ??= update.ModelId;
            finishReason = update.FinishReason ?? finishReason;
            cost ??= ChatResponseMapper.FindCost(update.AdditionalProperties);
            foreach (var content in update.Contents)
            {
                switch (content)
                {
                    case TextContent { Text: { Length: > 0 } text }:
                        await WriteChunkAsync(ChatResponseMapper.Chunk(id, created, model, new ChatCompletionMessage { Content = new MessageContent { Text = text } }));
                        break;
                    case FunctionCallContent call:
                        // One delta per call with its id, name and whole arguments, as the OpenAI clients accumulate them by index.
                        await WriteChunkAsync(ChatResponseMapper.Chunk(id, created, model, new ChatCompletionMessage { ToolCalls = ToolMapper.ToWire([call], toolCalls) }));
                        toolCalls++;
                        break;
                    case UsageContent { Details: { } details }:
                        if (usage is null)
                        {
                            usage = details;
                        }
                        else
                        {
                            usage.Add(details);
                        }

                        break;
                }
            }

            try
            {
                hasCurrent = await enumerator.MoveNextAsync();
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception e)
            {
                // After the first chunk the status is sent: the error travels as the last event, then the stream closes.
                var error = ExceptionMapper.Map(e, context.TraceIdentifier, _options.QueueFullRetryAfter);
                LogBackendFailure(e, context.TraceIdentifier, error);
                outcome.Fail(error);
                await WriteFailureAsync(context, error);
                return;
            }
        }

        var wireFinish = ChatResponseMapper.ToWire(finishReason);
        await WriteChunkAsync(ChatResponseMapper.Chunk(id, created, model, new ChatCompletionMessage(), wireFinish));
        if (request.IncludeUsage)
        {
            await WriteChunkAsync(ChatResponseMapper.Chunk(id, created, model, delta: null, usage: ChatResponseMapper.ToWire(usage) ?? new ChatCompletionUsage { PromptTokens = 0, CompletionTokens = 0, TotalTokens = 0 }));
        }

        await response.Body.WriteAsync(DoneEvent, cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
        outcome.Succeed(responseId, responseModel, wireFinish, usage, cost);

        async Task WriteChunkAsync(ChatCompletionResponse chunk)
        {
            buffer.ResetWrittenCount();
            buffer.Write(DataPrefix);
            using (var writer = new Utf8JsonWriter(buffer))
            {
                JsonSerializer.Serialize(writer, chunk, OpenAIWireJsonContext.Default.ChatCompletionResponse);
            }

            buffer.Write(EventEnd);
            await response.Body.WriteAsync(buffer.WrittenMemory, cancellationToken);
            await response.Body.FlushAsync(cancellationToken);
        }
    }

    /// <summary>What happened to one request, for the log line and the telemetry.</summary>
    private sealed class Outcome(string requestedModel)
    {
        public string Name { get; private set; } = "ok";

        public string? ResponseId { get; private set; }

        public string? ResponseModel { get; private set; } = requestedModel;

        public string? FinishReason { get; private set; }

        public UsageDetails? Usage { get; private set; }

        public decimal? Cost { get; private set; }

        public ProxyError? Error { get; private set; }

        public bool IsDisconnected { get; private set; }

        public string? ErrorType => Error?.Code ?? Error?.Type ?? (IsDisconnected ? "client_disconnected" : null);

        public void Succeed(string? responseId, string? responseModel, string finishReason, UsageDetails? usage, decimal? cost)
        {
            ResponseId = responseId;
            ResponseModel = responseModel ?? ResponseModel;
            FinishReason = finishReason;
            Usage = usage;
            Cost = cost;
        }

        public void Fail(ProxyError error)
        {
            Error = error;
            Name = error.Code ?? error.Type;
        }

        public void Disconnected()
        {
            IsDisconnected = true;
            Name = "client_disconnected";
        }
    }
}
