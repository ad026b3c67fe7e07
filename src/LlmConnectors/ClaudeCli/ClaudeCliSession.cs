using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace LlmConnectors.ClaudeCli;

/// <summary>
/// One request in one process: writes the conversation on standard input and turns standard output into updates. Every failure
/// becomes a <see cref="ClaudeCliException"/>; the caller kills the process when done.
/// </summary>
internal sealed class ClaudeCliSession : IDisposable
{
    private readonly ClaudeCliProcess _process;
    private readonly ClaudeCliRequest _request;
    private readonly ClaudeCliOptions _options;
    private readonly ILogger _logger;
    private readonly bool _warm;
    private readonly bool _streaming;
    private readonly CancellationToken _callerToken;
    private readonly CancellationTokenSource _timeout;
    private readonly CancellationTokenSource _linked;
    private readonly Stopwatch _stopwatch = Stopwatch.StartNew();
    private readonly ClaudeCliToolBridge? _tools;
    private readonly IReadOnlyList<ClaudeCliToolBridge.WaitingCall>? _continuing;
    private readonly StringBuilder? _streamed;
    private readonly bool _cliRetries;
    private readonly bool _mayPark;
    private ClaudeCliErrors.AssistantError? _assistantError;
    private string? _messageId;
    private string? _model;
    private bool _done;

    public ClaudeCliSession(ClaudeCliProcess process, ClaudeCliRequest request, ClaudeCliOptions options, ILogger logger, bool warm, bool streaming, CancellationToken callerToken, CancellationToken disposingToken, ClaudeCliToolBridge? tools = null, IReadOnlyList<ClaudeCliToolBridge.WaitingCall>? continuing = null)
    {
        _tools = tools;
        _continuing = continuing;
        _process = process;
        _request = request;
        _options = options;
        _logger = logger;
        _warm = warm;
        _streaming = streaming;
        _callerToken = callerToken;
        _timeout = new CancellationTokenSource(options.RequestTimeout);
        _linked = CancellationTokenSource.CreateLinkedTokenSource(callerToken, _timeout.Token, disposingToken);
        _streamed = streaming && request.JsonSchema is null ? new StringBuilder() : null;
        _cliRetries = ClaudeCliProcess.CliRetries(options);
        _mayPark = options.MaxParkedProcesses > 0 && request.CanContinue;
    }

    /// <summary>
    /// Writes the system prompt and schema (when the request has them), the model (when the process started with another), the
    /// history and the final user message, then closes standard input.
    /// </summary>
    /// <returns>A task that completes when everything is written.</returns>
    public Task SendAsync() => GuardAsync(async token =>
    {
        if (_continuing is not null)
        {
            if (_tools is not null && _request.ContinuesToolCalls)
            {
                // A process parked on calls holds the conversation already; it gets the tool results as answers to its tools/call
                // requests (those it sent before it was parked now; later ones as they are read).
                foreach (var answer in _tools.AnswerWaiting(_continuing))
                {
                    await _process.WriteLineAsync(answer, token).ConfigureAwait(false);
                }

                return true;
            }

            // A process parked after its answer holds the conversation up to that answer: only the new user message goes, marked as
            // content like every other (ClaudeCliChannel).
            await _process.WriteLineAsync(StreamJsonInput.User(_request.Last, query: true, toolBlocks: _tools is not null), token).ConfigureAwait(false);
            return true;
        }

        IReadOnlyList<string> system = _tools?.Instructions is { } instructions ? [.. _request.SystemPrompt, instructions] : _request.SystemPrompt;
        if (system.Count > 0 || _request.JsonSchema is not null)
        {
            // The process started with an empty system prompt; only a request that has its own (or a schema) pays this round trip.
            await _process.WriteLineAsync(StreamJsonInput.Initialize("init", system, _request.JsonSchema), token).ConfigureAwait(false);
            await ExpectControlResponseAsync("init", token).ConfigureAwait(false);
        }

        var switchModel = _request.ModelId is { } model && !string.Equals(model, _process.StartModel, StringComparison.Ordinal);
        if (switchModel || _request.MaxOutputTokens is not null)
        {
            await _process.WriteLineAsync(StreamJsonInput.FlagSettings("model", switchModel ? _request.ModelId : null, _request.MaxOutputTokens), token).ConfigureAwait(false);
            await ExpectControlResponseAsync("model", token).ConfigureAwait(false);
        }

        foreach (var message in _request.History)
        {
            if (message.Role == ChatRole.Assistant)
            {
                // Appended to the transcript as it is read; user lines queue, so each user line is acknowledged before the next line.
                await _process.WriteLineAsync(StreamJsonInput.Assistant(message, toolBlocks: _tools is not null), token).ConfigureAwait(false);
            }
            else
            {
                await _process.WriteLineAsync(StreamJsonInput.User(message, query: false, toolBlocks: _tools is not null), token).ConfigureAwait(false);
                await ExpectResultAsync(token).ConfigureAwait(false);
            }
        }

        await _process.WriteLineAsync(StreamJsonInput.User(_request.Last, query: true, toolBlocks: _tools is not null), token).ConfigureAwait(false);
        if (_tools is null && !_mayPark)
        {
            // Standard input stays open with tools (the CLI's tool calls are answered on it) and when the process may be parked
            // after its answer for the next turn; otherwise the CLI exits after the answer.
            _process.CloseInput();
        }

        return true;
    });

    /// <summary>Gets a value indicating whether the turn ended in calls of the caller's functions and the process waits for their results.</summary>
    public bool Parked { get; private set; }

    /// <summary>
    /// Gets the text of the answer, once the turn ended with one and the process may be parked with it for the next turn (standard input
    /// still open, no JSON schema); otherwise <see langword="null"/>.
    /// </summary>
    public string? Answer { get; private set; }

    /// <summary>Gets the ids of the calls the process waits on, once <see cref="Parked"/>.</summary>
    public IEnumerable<string> ParkedCallIds => _tools?.Calls.Select(c => c.CallId) ?? [];

    /// <summary>Gets the <c>tools/call</c> requests read and left unanswered, once <see cref="Parked"/>.</summary>
    public IReadOnlyList<ClaudeCliToolBridge.WaitingCall> WaitingCalls => _tools?.Waiting ?? [];

    /// <summary>Reads until the next update: a text delta (streaming) or the final update with the result.</summary>
    /// <returns>The update, or <see langword="null"/> after the final one.</returns>
    public async Task<ChatResponseUpdate?> ReadAsync()
    {
        if (_done)
        {
            return null;
        }

        return await GuardAsync(async token =>
        {
            while (true)
            {
                using var document = await ReadJsonAsync(token).ConfigureAwait(false);
                var root = document.RootElement;
                switch (Type(root))
                {
                    case "stream_event" when root.TryGetProperty("event", out var ev):
                        _tools?.Observe(ev);
                        if (_tools is { EndsInToolCalls: true } && Type(ev) == "message_stop")
                        {
                            _done = true;
                            Parked = true;
                            return BuildToolCalls(_tools);
                        }

                        if (Type(ev) == "content_block_delta" && _streamed is not null
                            && ev.TryGetProperty("delta", out var delta) && Type(delta) == "text_delta"
                            && delta.TryGetProperty("text", out var text) && text.GetString() is { Length: > 0 } chunk)
                        {
                            _ = _streamed.Append(chunk);
                            return new ChatResponseUpdate(ChatRole.Assistant, chunk) { ResponseId = _messageId, MessageId = _messageId, ModelId = _model };
                        }

                        break;
                    case "result":
                        if (IsError(root))
                        {
                            throw ClaudeCliErrors.FromResult(root, _assistantError, _process, _request.ModelId);
                        }

                        var unstreamed = UnstreamedTail(root);
                        _done = true;
                        if (_mayPark)
                        {
                            Answer = root.TryGetProperty("result", out var answer) && answer.ValueKind == JsonValueKind.String ? answer.GetString() : null;
                        }

                        ClaudeCliLog.RequestFinished(_logger, _process.Id, _stopwatch.ElapsedMilliseconds);
                        return BuildFinal(root, unstreamed);
                    default:
                        break;
                }
            }
        }).ConfigureAwait(false);
    }

    public void Dispose()
    {
        _linked.Dispose();
        _timeout.Dispose();
    }

    private static string? Type(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String ? type.GetString() : null;

    private static bool IsError(JsonElement result) =>
        (result.TryGetProperty("is_error", out var e) && e.ValueKind == JsonValueKind.True)
        || (result.TryGetProperty("api_error_status", out var s) && s.ValueKind == JsonValueKind.Number);

    private static long? Long(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt64() : null;

    private ChatResponseUpdate BuildToolCalls(ClaudeCliToolBridge tools)
    {
        var contents = new List<AIContent>();
        if (!_streaming && tools.Text.Length > 0)
        {
            contents.Add(new TextContent(tools.Text));
        }

        contents.AddRange(tools.Calls);
        return new ChatResponseUpdate(ChatRole.Assistant, contents)
        {
            ResponseId = _messageId,
            MessageId = _messageId,
            ModelId = _model,
            CreatedAt = DateTimeOffset.UtcNow,
            FinishReason = ChatFinishReason.ToolCalls,
            AdditionalProperties = BaseProperties(),
        };
    }

    private AdditionalPropertiesDictionary BaseProperties()
    {
        var properties = new AdditionalPropertiesDictionary { [ClaudeCliPropertyNames.WarmStart] = _warm };
        if (_request.IgnoredOptions.Count > 0)
        {
            properties[ClaudeCliPropertyNames.IgnoredOptions] = _request.IgnoredOptions.ToArray();
        }

        return properties;
    }

    /// <summary>
    /// Checks, when streaming, that the updates carried the whole answer. When the upstream stream breaks, the CLI fetches the answer
    /// again without streaming (even with retries off) and reports the full text only in the result: a text that continues what was
    /// streamed is completed with its rest; any other text cannot be, and the request fails rather than end a truncated answer as
    /// complete.
    /// </summary>
    /// <param name="result">The successful result.</param>
    /// <returns>The text still to send; empty when the updates carried everything.</returns>
    /// <exception cref="ClaudeCliException">The streamed text is not the beginning of the answer.</exception>
    private string UnstreamedTail(JsonElement result)
    {
        if (_streamed is null)
        {
            return string.Empty;
        }

        var answer = result.TryGetProperty("result", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() ?? string.Empty : string.Empty;
        var streamed = _streamed.ToString();
        if (answer.StartsWith(streamed, StringComparison.Ordinal))
        {
            return answer[streamed.Length..];
        }

        _process.Kill();
        ClaudeCliLog.StreamRestarted(_logger, _process.Id, streamed.Length);
        throw ClaudeCliErrors.StreamBroken(streamed.Length, _process, _request.ModelId);
    }

    private ChatResponseUpdate BuildFinal(JsonElement result, string unstreamed)
    {
        var contents = new List<AIContent>();
        string? text = unstreamed;
        if (_request.JsonSchema is not null && result.TryGetProperty("structured_output", out var structured) && structured.ValueKind is not JsonValueKind.Null and not JsonValueKind.Undefined)
        {
            text = structured.GetRawText();
        }
        else if (!_streaming || _request.JsonSchema is not null)
        {
            text = result.TryGetProperty("result", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
        }

        if (!string.IsNullOrEmpty(text))
        {
            contents.Add(new TextContent(text));
        }

        var properties = BaseProperties();
        if (result.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
        {
            var input = Long(usage, "input_tokens") ?? 0;
            var cacheRead = Long(usage, "cache_read_input_tokens") ?? 0;
            var cacheCreation = Long(usage, "cache_creation_input_tokens") ?? 0;
            var output = Long(usage, "output_tokens") ?? 0;
            var details = new UsageDetails
            {
                InputTokenCount = input + cacheRead + cacheCreation,
                CachedInputTokenCount = cacheRead,
                OutputTokenCount = output,
                TotalTokenCount = input + cacheRead + cacheCreation + output,
                AdditionalCounts = new() { [ClaudeCliPropertyNames.CacheCreationInputTokens] = cacheCreation },
            };
            contents.Add(new UsageContent(details));
            properties[ClaudeCliPropertyNames.CacheCreationInputTokens] = cacheCreation;
        }

        if (result.TryGetProperty("total_cost_usd", out var cost) && cost.ValueKind == JsonValueKind.Number)
        {
            properties[ClaudeCliPropertyNames.TotalCostUsd] = cost.GetDouble();
        }

        var sessionId = result.TryGetProperty("session_id", out var session) ? session.GetString() : null;
        if (sessionId is not null)
        {
            properties[ClaudeCliPropertyNames.SessionId] = sessionId;
        }

        if (Long(result, "duration_ms") is { } duration)
        {
            properties[ClaudeCliPropertyNames.DurationMs] = duration;
        }

        if (Long(result, "duration_api_ms") is { } apiDuration)
        {
            properties[ClaudeCliPropertyNames.DurationApiMs] = apiDuration;
        }

        if (Long(result, "num_turns") is { } turns)
        {
            properties[ClaudeCliPropertyNames.NumTurns] = (int)turns;
        }

        var model = _model;
        if (result.TryGetProperty("modelUsage", out var modelUsage) && modelUsage.ValueKind == JsonValueKind.Object)
        {
            var costs = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var entry in modelUsage.EnumerateObject())
            {
                costs[entry.Name] = entry.Value.TryGetProperty("costUSD", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetDouble() : 0;
                model ??= entry.Name;
            }

            if (costs.Count > 0)
            {
                properties[ClaudeCliPropertyNames.ModelUsage] = costs;
                model = costs.Keys.First();
            }
        }

        var stopReason = result.TryGetProperty("stop_reason", out var stop) && stop.ValueKind == JsonValueKind.String ? stop.GetString() : null;
        return new ChatResponseUpdate(ChatRole.Assistant, contents)
        {
            ResponseId = _messageId ?? sessionId,
            MessageId = _messageId,
            ModelId = model,
            CreatedAt = DateTimeOffset.UtcNow,
            FinishReason = stopReason switch
            {
                "end_turn" or "stop_sequence" or "tool_use" => ChatFinishReason.Stop,
                "max_tokens" => ChatFinishReason.Length,
                "refusal" => ChatFinishReason.ContentFilter,
                null => ChatFinishReason.Stop,
                _ => new ChatFinishReason(stopReason),
            },
            AdditionalProperties = properties,
        };
    }

    private async Task<JsonDocument> ReadJsonAsync(CancellationToken token)
    {
        while (true)
        {
            var line = await _process.ReadLineAsync(token).ConfigureAwait(false);
            if (line is null)
            {
                _ = await _process.WaitForExitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
                throw ClaudeCliErrors.Exited(_process);
            }

            if (line.Length == 0)
            {
                continue;
            }

            ClaudeCliLog.OutputLine(_logger, _process.Id, line);

            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(line);
            }
            catch (JsonException)
            {
                throw ClaudeCliErrors.NotJson(line, _process);
            }

            var root = document.RootElement;
            if (_tools is not null && Type(root) == "control_request")
            {
                // The in-process MCP server's requests are answered here, wherever the session is reading.
                var answer = _tools.Answer(root);
                document.Dispose();
                if (answer is not null)
                {
                    await _process.WriteLineAsync(answer, token).ConfigureAwait(false);
                }

                continue;
            }

            if (Type(root) == "assistant" && root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String)
            {
                string? text = null;
                if (root.TryGetProperty("message", out var message) && message.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.Array)
                {
                    text = string.Concat(content.EnumerateArray().Where(b => Type(b) == "text").Select(b => b.GetProperty("text").GetString()));
                }

                _assistantError = new(
                    error.GetString(),
                    root.TryGetProperty("api_error_status", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetInt32() : null,
                    root.TryGetProperty("api_error_type", out var t) ? t.GetString() : null,
                    text);
            }
            else if (Type(root) == "system" && !_cliRetries && root.TryGetProperty("subtype", out var subtype) && subtype.ValueEquals("api_retry"))
            {
                // The CLI is about to wait and call the API again (it runs with one retry so that it says how long the API asks it
                // to wait): the pack's own retry decides instead, with that delay, so the CLI is stopped before it calls again.
                _process.Kill();
                var retry = ClaudeCliErrors.RetryRequested(root, _process, _request.ModelId);
                document.Dispose();
                throw retry;
            }
            else if (Type(root) == "stream_event" && root.TryGetProperty("event", out var ev) && Type(ev) == "message_start"
                && ev.TryGetProperty("message", out var started))
            {
                _ = _streamed?.Clear();
                _messageId = started.TryGetProperty("id", out var id) ? id.GetString() : _messageId;
                _model = started.TryGetProperty("model", out var model) ? model.GetString() : _model;
            }

            return document;
        }
    }

    private async Task ExpectControlResponseAsync(string requestId, CancellationToken token)
    {
        while (true)
        {
            using var document = await ReadJsonAsync(token).ConfigureAwait(false);
            var root = document.RootElement;
            var type = Type(root);
            if (type == "result" && IsError(root))
            {
                throw ClaudeCliErrors.FromResult(root, _assistantError, _process, _request.ModelId);
            }

            if (type == "control_response" && root.TryGetProperty("response", out var response)
                && response.TryGetProperty("request_id", out var id) && id.GetString() == requestId)
            {
                if (response.TryGetProperty("subtype", out var subtype) && subtype.GetString() == "success")
                {
                    return;
                }

                var error = response.TryGetProperty("error", out var e) ? e.ToString() : "no details";
                throw ClaudeCliErrors.Protocol($"the '{requestId}' control request was refused ({error}); this CLI version may be too old, update it with 'claude update'", _process);
            }
        }
    }

    private async Task ExpectResultAsync(CancellationToken token)
    {
        while (true)
        {
            using var document = await ReadJsonAsync(token).ConfigureAwait(false);
            var root = document.RootElement;
            if (Type(root) == "result")
            {
                if (IsError(root))
                {
                    throw ClaudeCliErrors.FromResult(root, _assistantError, _process, _request.ModelId);
                }

                return;
            }
        }
    }

    private async Task<T> GuardAsync<T>(Func<CancellationToken, Task<T>> operation)
    {
        try
        {
            return await operation(_linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_timeout.IsCancellationRequested && !_callerToken.IsCancellationRequested)
        {
            _process.Kill();
            var timeout = ClaudeCliErrors.Timeout(_options.RequestTimeout, _process);
            ClaudeCliLog.RequestFailed(_logger, _process.Id, timeout.Kind, null);
            throw timeout;
        }
        catch (IOException e)
        {
            _ = await _process.WaitForExitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
            var exited = ClaudeCliErrors.Exited(_process, e);
            ClaudeCliLog.RequestFailed(_logger, _process.Id, exited.Kind, null);
            throw exited;
        }
        catch (ClaudeCliException e)
        {
            ClaudeCliLog.RequestFailed(_logger, _process.Id, e.Kind, (int?)e.StatusCode);
            throw;
        }
    }
}
