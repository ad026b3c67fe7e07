using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;
using LlmConnectors.Json;
using LlmConnectors.Pipeline;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlmConnectors;

/// <summary>
/// A delegating chat client that makes JSON answers dependable: it asks for JSON the way the model can take it (natively,
/// or with a system instruction carrying the schema), and turns the answer into clean JSON that parses and matches the schema.
/// </summary>
/// <remarks>
/// <para>
/// Active when <see cref="ChatOptions.ResponseFormat"/> is a <see cref="ChatResponseFormatJson"/> (with or without a schema),
/// or when <see cref="AlwaysEnforce"/> is set; otherwise every call passes straight through.
/// </para>
/// <para>
/// The inner client is asked for an <see cref="IModelCapabilityProvider"/> (through <c>GetService</c>); the answer is cached
/// per model id. A schema is passed through natively when <see cref="ModelCapabilities.SupportsJsonSchema"/> is set; plain
/// JSON when <see cref="ModelCapabilities.SupportsJsonObject"/> is set (a schema then travels in the instruction, with
/// <c>response_format</c> reduced to plain JSON). Otherwise the format is removed from the request and the instruction
/// returned by <see cref="CreateInstruction"/> is inserted as a system message after the caller's leading system messages.
/// </para>
/// <para>
/// Whatever the mode, the answer is checked: the JSON value is extracted by <see cref="JsonTextExtractor"/> (code fences,
/// prose around it), parsed, and validated against the schema; the response text becomes the JSON alone. When that fails,
/// a <see cref="JsonEnforcementException"/> is thrown, which <see cref="RetryWithValidationChatClient"/> (placed in front of
/// this client) turns into a new question to the model. A response that calls a tool (<see cref="FunctionCallContent"/>) is
/// left as it is.
/// </para>
/// <para>
/// Structured output the Microsoft.Extensions.AI way works through this client: <c>GetResponseAsync&lt;T&gt;</c> and
/// <c>ChatResponseFormat.ForJsonSchema&lt;T&gt;()</c> send a draft 2020-12 schema (with <c>"$schema"</c>; a type that is not an
/// object is wrapped as <c>{"type":"object","properties":{"data":...}}</c>), which is enforced like any other schema and
/// validated by <see cref="JsonSchemaValidator"/>; <c>ChatResponse&lt;T&gt;.Result</c> then reads the clean JSON. Compiled
/// schemas are shared by schema text, so a new format object per call costs no recompilation.
/// </para>
/// <para>
/// Streaming: the text before the value (prose, an opening code fence) is held back and dropped; the value starts at the
/// first <c>{</c> followed by <c>"</c> or <c>}</c>, or the first <c>[</c> followed by something that can start a JSON value
/// (so <c>{name}</c> or <c>[Note]</c> in prose is skipped), and only that bracket and the white space after it wait for the next
/// character. From there the JSON passes through as it arrives; everything after the bracket that closes it (a closing
/// fence, trailing prose) is dropped. When the stream ends, the JSON is parsed and validated, and a
/// <see cref="JsonEnforcementException"/> is thrown after the last update if it is invalid. When no value ever started (a bare
/// JSON string or number), the whole answer is extracted at the end and sent as one final update.
/// </para>
/// </remarks>
public sealed partial class JsonEnforcingChatClient : DelegatingChatClient
{
    private const int MaxCachedSchemas = 256;
    private static readonly ConditionalWeakTable<ChatResponseFormatJson, FormatInfo> FormatInfos = [];
    private static readonly ConcurrentDictionary<string, JsonSchemaValidator> Validators = new(StringComparer.Ordinal);

    private readonly ILogger _logger;
    private static readonly ModelCapabilities UnknownWithoutSupport = new() { ModelId = string.Empty };
    private static readonly ModelCapabilities UnknownWithSupport = new() { ModelId = string.Empty, SupportsJsonObject = true, SupportsJsonSchema = true };

    private readonly ConcurrentDictionary<string, ModelCapabilities?> _capabilities = new(StringComparer.Ordinal);
    private IModelCapabilityProvider? _provider;
    private volatile bool _providerResolved;

    /// <summary>Initializes a new instance of the <see cref="JsonEnforcingChatClient"/> class.</summary>
    /// <param name="innerClient">The client to send requests to.</param>
    /// <param name="logger">The logger; nothing is logged when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerClient"/> is <see langword="null"/>.</exception>
    public JsonEnforcingChatClient(IChatClient innerClient, ILogger? logger = null)
        : base(innerClient)
    {
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Gets or sets a value indicating whether every request is treated as asking for JSON, even without a response format.</summary>
    /// <value>The default is <see langword="false"/>: only requests whose <see cref="ChatOptions.ResponseFormat"/> asks for JSON are enforced.</value>
    public bool AlwaysEnforce { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether the inner client is assumed to support JSON and JSON schemas natively when it
    /// exposes no <see cref="IModelCapabilityProvider"/>, or the provider does not know the model.
    /// </summary>
    /// <value>The default is <see langword="false"/>: the instruction is used whenever support is not known.</value>
    public bool AssumeNativeSupportWhenUnknown { get; set; }

    /// <summary>Gets or sets a value indicating whether the answer is validated against the schema of the response format.</summary>
    /// <value>The default is <see langword="true"/>. When <see langword="false"/>, the answer is only required to be valid JSON.</value>
    public bool ValidateSchema { get; set; } = true;

    /// <summary>Creates the system instruction that asks a model without native JSON support for JSON.</summary>
    /// <param name="format">The requested format.</param>
    /// <returns>
    /// <c>Reply with one JSON value and nothing else: no explanation before or after it, no Markdown, no code fences.</c>, followed,
    /// when the format has a schema, by a line naming and describing the value (when a name or description is given), the line
    /// <c>The JSON value must be valid against this JSON schema:</c> and the schema.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="format"/> is <see langword="null"/>.</exception>
    public static string CreateInstruction(ChatResponseFormatJson format)
    {
        ArgumentNullException.ThrowIfNull(format);
        var builder = new StringBuilder("Reply with one JSON value and nothing else: no explanation before or after it, no Markdown, no code fences.");
        if (format.Schema is { } schema)
        {
            var name = format.SchemaName;
            var description = format.SchemaDescription;
            if (!string.IsNullOrWhiteSpace(name) || !string.IsNullOrWhiteSpace(description))
            {
                builder.Append("\nThe value is");
                if (!string.IsNullOrWhiteSpace(name))
                {
                    builder.Append(" \"").Append(name).Append('"');
                }

                if (!string.IsNullOrWhiteSpace(description))
                {
                    builder.Append(": ").Append(description);
                }

                builder.Append('.');
            }

            builder.Append("\nThe JSON value must be valid against this JSON schema:\n").Append(schema.GetRawText());
        }

        return builder.ToString();
    }

    /// <inheritdoc/>
    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (!TryGetFormat(options, out var format))
        {
            return base.GetResponseAsync(messages, options, cancellationToken);
        }

        ArgumentNullException.ThrowIfNull(messages);
        return GetEnforcedResponseAsync(messages, options, format, cancellationToken);
    }

    /// <inheritdoc/>
    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (!TryGetFormat(options, out var format))
        {
            return base.GetStreamingResponseAsync(messages, options, cancellationToken);
        }

        ArgumentNullException.ThrowIfNull(messages);
        return GetEnforcedStreamingResponseAsync(messages, options, format, cancellationToken);
    }

    private ModelCapabilities Unknown => AssumeNativeSupportWhenUnknown ? UnknownWithSupport : UnknownWithoutSupport;

    private bool TryGetFormat(ChatOptions? options, out ChatResponseFormatJson format)
    {
        if (options?.ResponseFormat is ChatResponseFormatJson json)
        {
            format = json;
            return true;
        }

        if (AlwaysEnforce)
        {
            format = ChatResponseFormat.Json;
            return true;
        }

        format = null!;
        return false;
    }

    private Task<ChatResponse> GetEnforcedResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options, ChatResponseFormatJson format, CancellationToken cancellationToken)
    {
        // When the capabilities are cached and the inner client answers at once, no state machine is needed; an exception
        // still faults the returned task, as it did from the async method.
        try
        {
            var prepare = PrepareRequestAsync(messages, options, format, cancellationToken);
            if (!prepare.IsCompletedSuccessfully)
            {
                return GetEnforcedResponseCoreAsync(prepare, format, cancellationToken);
            }

            var (preparedMessages, preparedOptions) = prepare.Result;
            var inner = base.GetResponseAsync(preparedMessages, preparedOptions, cancellationToken);
            if (!inner.IsCompletedSuccessfully)
            {
                return EnforceResponseAsync(inner, format);
            }

            var response = inner.Result;
            var enforced = EnforceResponse(response, format);
            return ReferenceEquals(enforced, response) ? inner : Task.FromResult(enforced);
        }
        catch (Exception ex)
        {
            return PassThroughTasks.FromException<ChatResponse>(ex);
        }
    }

    private async Task<ChatResponse> GetEnforcedResponseCoreAsync(
        ValueTask<(IEnumerable<ChatMessage> Messages, ChatOptions? Options)> prepare, ChatResponseFormatJson format, CancellationToken cancellationToken)
    {
        var (messages, options) = await prepare.ConfigureAwait(false);
        var response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        return EnforceResponse(response, format);
    }

    private async Task<ChatResponse> EnforceResponseAsync(Task<ChatResponse> inner, ChatResponseFormatJson format) =>
        EnforceResponse(await inner.ConfigureAwait(false), format);

    private async IAsyncEnumerable<ChatResponseUpdate> GetEnforcedStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options, ChatResponseFormatJson format, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        (messages, options) = await PrepareRequestAsync(messages, options, format, cancellationToken).ConfigureAwait(false);

        var scanner = new JsonStreamScanner();
        var received = new List<ChatResponseUpdate>();
        var callsTool = false;
        await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            received.Add(update);
            var rewritten = RewriteUpdate(update, scanner, ref callsTool);
            if (rewritten is not null)
            {
                yield return rewritten;
            }
        }

        if (callsTool && !scanner.Started)
        {
            yield break;
        }

        if (!scanner.Started)
        {
            // No bracket came: the answer may be a bare scalar. Extract it from the whole text and send it as one update.
            var extraction = JsonTextExtractor.Extract(scanner.RawText);
            if (!extraction.Success)
            {
                throw Fail(JsonEnforcementFailureKind.InvalidJson, scanner.RawText, [extraction.Error], [], received.ToChatResponse(), options);
            }

            Validate(extraction.Value, scanner.RawText, format, received, options);
            var last = received.Count > 0 ? received[^1] : null;
            yield return new ChatResponseUpdate(ChatRole.Assistant, extraction.Json)
            {
                MessageId = last?.MessageId,
                ResponseId = last?.ResponseId,
                ModelId = last?.ModelId,
            };
            yield break;
        }

        var json = scanner.EmittedText;
        if (!scanner.Completed)
        {
            throw Fail(
                JsonEnforcementFailureKind.InvalidJson,
                scanner.RawText,
                ["the response does not contain valid JSON: the JSON value is never closed (the answer may have been cut off)"],
                [],
                received.ToChatResponse(),
                options);
        }

        var parsed = JsonTextExtractor.Extract(json);
        if (!parsed.Success || parsed.Source != JsonExtractionSource.WholeText)
        {
            var error = parsed.Success ? "the response does not contain valid JSON" : parsed.Error;
            throw Fail(JsonEnforcementFailureKind.InvalidJson, scanner.RawText, [error], [], received.ToChatResponse(), options);
        }

        Validate(parsed.Value, scanner.RawText, format, received, options);
    }

    private static ChatResponseUpdate? RewriteUpdate(ChatResponseUpdate update, JsonStreamScanner scanner, ref bool callsTool)
    {
        var contents = update.Contents;
        var hasText = false;
        for (var i = 0; i < contents.Count; i++)
        {
            if (contents[i] is TextContent)
            {
                hasText = true;
            }
            else if (contents[i] is FunctionCallContent)
            {
                callsTool = true;
            }
        }

        if (!hasText)
        {
            return update;
        }

        var rewritten = new List<AIContent>(contents.Count);
        for (var i = 0; i < contents.Count; i++)
        {
            if (contents[i] is TextContent text)
            {
                var part = scanner.Process(text.Text ?? string.Empty);
                if (part.Length > 0)
                {
                    rewritten.Add(ReferenceEquals(part, text.Text) ? text : new TextContent(part) { AdditionalProperties = text.AdditionalProperties });
                }
            }
            else
            {
                rewritten.Add(contents[i]);
            }
        }

        if (rewritten.Count == 0 && update.FinishReason is null)
        {
            return null;
        }

        var clone = update.Clone();
        clone.Contents = rewritten;
        return clone;
    }

    private void Validate(System.Text.Json.JsonElement value, string rawText, ChatResponseFormatJson format, List<ChatResponseUpdate> received, ChatOptions? options)
    {
        if (ValidateSchema && GetFormatInfo(format).Validator is { } validator)
        {
            var errors = validator.Validate(value);
            if (errors.Count > 0)
            {
                throw Fail(JsonEnforcementFailureKind.SchemaViolation, rawText, ToStrings(errors), errors, received.ToChatResponse(), options);
            }
        }
    }

    private ChatResponse EnforceResponse(ChatResponse response, ChatResponseFormatJson format)
    {
        var messages = response.Messages;
        var textIndex = -1;
        for (var i = 0; i < messages.Count; i++)
        {
            var contents = messages[i].Contents;
            for (var j = 0; j < contents.Count; j++)
            {
                var content = contents[j];
                if (content is FunctionCallContent)
                {
                    return response;
                }

                if (content is TextContent)
                {
                    textIndex = i;
                }
            }
        }

        var rawText = textIndex < 0 ? string.Empty : messages[textIndex].Text;

        // The common case, an answer that is exactly one JSON object or array, is parsed into pooled buffers and left as it is.
        if (JsonTextExtractor.TryParseWholeText(rawText, out var document))
        {
            using (document)
            {
                CheckSchema(document.RootElement, rawText, format, response);
            }

            return response;
        }

        var extraction = JsonTextExtractor.Extract(rawText);
        if (!extraction.Success)
        {
            throw Fail(JsonEnforcementFailureKind.InvalidJson, rawText, [extraction.Error], [], response, null);
        }

        CheckSchema(extraction.Value, rawText, format, response);

        if (extraction.Source == JsonExtractionSource.WholeText && ReferenceEquals(extraction.Json, rawText))
        {
            return response;
        }

        return ReplaceText(response, textIndex, extraction.Json);
    }

    private void CheckSchema(System.Text.Json.JsonElement value, string rawText, ChatResponseFormatJson format, ChatResponse response)
    {
        if (ValidateSchema && GetFormatInfo(format).Validator is { } validator)
        {
            var errors = validator.Validate(value);
            if (errors.Count > 0)
            {
                throw Fail(JsonEnforcementFailureKind.SchemaViolation, rawText, ToStrings(errors), errors, response, null);
            }
        }
    }

    private static ChatResponse ReplaceText(ChatResponse response, int messageIndex, string json)
    {
        var original = response.Messages[messageIndex];
        var contents = new List<AIContent>(original.Contents.Count);
        var placed = false;
        foreach (var content in original.Contents)
        {
            if (content is TextContent text)
            {
                if (!placed)
                {
                    contents.Add(new TextContent(json) { AdditionalProperties = text.AdditionalProperties });
                    placed = true;
                }
            }
            else
            {
                contents.Add(content);
            }
        }

        var message = new ChatMessage(original.Role, contents)
        {
            AuthorName = original.AuthorName,
            MessageId = original.MessageId,
            CreatedAt = original.CreatedAt,
            RawRepresentation = original.RawRepresentation,
            AdditionalProperties = original.AdditionalProperties,
        };

        var messages = new List<ChatMessage>(response.Messages);
        messages[messageIndex] = message;
        return new ChatResponse(messages)
        {
            ResponseId = response.ResponseId,
            ConversationId = response.ConversationId,
            ModelId = response.ModelId,
            CreatedAt = response.CreatedAt,
            FinishReason = response.FinishReason,
            Usage = response.Usage,
            ContinuationToken = response.ContinuationToken,
            RawRepresentation = response.RawRepresentation,
            AdditionalProperties = response.AdditionalProperties,
        };
    }

    private async ValueTask<(IEnumerable<ChatMessage> Messages, ChatOptions? Options)> PrepareRequestAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options, ChatResponseFormatJson format, CancellationToken cancellationToken)
    {
        // Compiles the schema (once per format): a schema JsonSchema.Net rejects fails here, before the model is paid for.
        _ = GetFormatInfo(format);
        var capabilities = await GetCapabilitiesAsync(options?.ModelId, cancellationToken).ConfigureAwait(false);
        var hasSchema = format.Schema is not null;
        var modelId = options?.ModelId;

        if (hasSchema ? capabilities.SupportsJsonSchema : capabilities.SupportsJsonObject)
        {
            LogNative(_logger, modelId, hasSchema);
            if (ReferenceEquals(options?.ResponseFormat, format))
            {
                return (messages, options);
            }

            // AlwaysEnforce without a requested format: ask for JSON natively.
            var native = options?.Clone() ?? new ChatOptions();
            native.ResponseFormat = format;
            return (messages, native);
        }

        LogInstruction(_logger, modelId, hasSchema);
        var prepared = options?.Clone() ?? new ChatOptions();
        prepared.ResponseFormat = hasSchema && capabilities.SupportsJsonObject ? ChatResponseFormat.Json : null;

        var list = new List<ChatMessage>(messages);
        var position = 0;
        while (position < list.Count && list[position].Role == ChatRole.System)
        {
            position++;
        }

        list.Insert(position, new ChatMessage(ChatRole.System, GetFormatInfo(format).Instruction));
        return (list, prepared);
    }

    private async ValueTask<ModelCapabilities> GetCapabilitiesAsync(string? modelId, CancellationToken cancellationToken)
    {
        if (!_providerResolved)
        {
            _provider = InnerClient.GetService(typeof(IModelCapabilityProvider)) as IModelCapabilityProvider;
            _providerResolved = true;
        }

        if (_provider is null)
        {
            return Unknown;
        }

        // The provider's answer is cached per model, unknown models (null) included.
        var key = modelId ?? string.Empty;
        if (!_capabilities.TryGetValue(key, out var capabilities))
        {
            capabilities = await _provider.GetModelCapabilitiesAsync(modelId, cancellationToken).ConfigureAwait(false);
            _capabilities[key] = capabilities;
        }

        return capabilities ?? Unknown;
    }

    // MEAI's GetResponseAsync<T> creates a new format object on every call: the compiled schema is shared by schema text.
    private static FormatInfo GetFormatInfo(ChatResponseFormatJson format) =>
        FormatInfos.GetValue(format, static f => new FormatInfo(
            CreateInstruction(f),
            f.Schema is { } schema && schema.ValueKind is System.Text.Json.JsonValueKind.Object or System.Text.Json.JsonValueKind.False
                ? GetValidator(schema)
                : null));

    private static JsonSchemaValidator GetValidator(System.Text.Json.JsonElement schema)
    {
        var text = schema.GetRawText();
        if (Validators.TryGetValue(text, out var validator))
        {
            return validator;
        }

        // Bounded: an application that generates schemas per request recompiles instead of growing without limit.
        if (Validators.Count >= MaxCachedSchemas)
        {
            Validators.Clear();
        }

        return Validators.GetOrAdd(text, static (_, s) => new JsonSchemaValidator(s), schema);
    }

    private static string[] ToStrings(IReadOnlyList<JsonValidationError> errors)
    {
        var strings = new string[errors.Count];
        for (var i = 0; i < strings.Length; i++)
        {
            strings[i] = errors[i].ToString();
        }

        return strings;
    }

    private JsonEnforcementException Fail(
        JsonEnforcementFailureKind kind, string rawText, string[] errors, IReadOnlyList<JsonValidationError> schemaErrors, ChatResponse response, ChatOptions? options)
    {
        LogRejected(_logger, response.ModelId ?? options?.ModelId, kind, errors.Length);
        LogRejectedText(_logger, rawText);
        return new JsonEnforcementException(kind, rawText, errors, response) { SchemaErrors = schemaErrors };
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "JSON enforcement: model '{ModelId}' takes the JSON format natively (schema: {HasSchema}); passing it through.")]
    private static partial void LogNative(ILogger logger, string? modelId, bool hasSchema);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "JSON enforcement: model '{ModelId}' does not take the JSON format natively (schema: {HasSchema}); adding the JSON instruction.")]
    private static partial void LogInstruction(ILogger logger, string? modelId, bool hasSchema);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "JSON enforcement rejected the answer of model '{ModelId}': {FailureKind}, {ErrorCount} error(s).")]
    private static partial void LogRejected(ILogger logger, string? modelId, JsonEnforcementFailureKind failureKind, int errorCount);

    [LoggerMessage(EventId = 4, Level = LogLevel.Trace, Message = "JSON enforcement rejected this answer text: {Text}")]
    private static partial void LogRejectedText(ILogger logger, string text);

    private sealed record FormatInfo(string Instruction, JsonSchemaValidator? Validator);
}
