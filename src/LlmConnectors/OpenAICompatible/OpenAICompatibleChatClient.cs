using System.Diagnostics.CodeAnalysis;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;

namespace LlmConnectors.OpenAICompatible;

/// <summary>
/// The engine of every leaf client that speaks the OpenAI chat completions wire format (OpenRouter, the Claude proxy): maps
/// Microsoft.Extensions.AI requests to the wire and back, streams with <see cref="OpenAISseReader"/>, turns failures into
/// <see cref="LlmConnectorException"/> and retries transport failures with the one <see cref="TransportRetryPipeline"/>.
/// </summary>
/// <remarks>
/// Public leaf clients wrap an instance (composition) and plug their endpoint, authentication and extras in through
/// <see cref="OpenAICompatibleClientOptions"/>. Streams are retried only before the first byte of the body.
/// </remarks>
internal sealed class OpenAICompatibleChatClient : IChatClient
{
    private static readonly MediaTypeHeaderValue JsonMediaType = new("application/json") { CharSet = "utf-8" };
    private static readonly MediaTypeWithQualityHeaderValue AcceptJson = new("application/json");
    private static readonly MediaTypeWithQualityHeaderValue AcceptEventStream = new("text/event-stream");

    private readonly OpenAICompatibleClientOptions _options;
    private readonly ResiliencePipeline _pipeline;
    private readonly ILogger _logger;
    private readonly Uri _chatCompletionsUri;
    private readonly Uri _modelsUri;
    private readonly string _displayName;
    private int _disposed;

    /// <summary>Initializes a new instance of the <see cref="OpenAICompatibleChatClient"/> class.</summary>
    /// <param name="options">The endpoint, HTTP client, hooks and retry settings.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The endpoint is not an absolute URI.</exception>
    public OpenAICompatibleChatClient(OpenAICompatibleClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Endpoint.IsAbsoluteUri)
        {
            throw new ArgumentException($"The endpoint '{options.Endpoint}' must be an absolute http(s) URI, for example https://openrouter.ai/api/v1.", nameof(options));
        }

        _options = options;
        _logger = options.Logger ?? NullLogger.Instance;
        _displayName = options.DisplayName ?? options.ProviderName;
        var baseUri = BaseUri(options.Endpoint);
        _chatCompletionsUri = new Uri(baseUri, "chat/completions");
        _modelsUri = new Uri(baseUri, "models");
        Metadata = new ChatClientMetadata(options.ProviderName, options.Endpoint, options.DefaultModelId);
        _pipeline = TransportRetryPipeline.Create(options.Retry, options.TimeProvider, args =>
            OpenAICompatibleLog.Retrying(_logger, options.ProviderName, args.AttemptNumber + 1, args.Outcome.Exception?.Message ?? "unknown", args.RetryDelay));
    }

    /// <summary>Gets the settings this client was built with.</summary>
    public OpenAICompatibleClientOptions Options => _options;

    /// <summary>Gets the metadata: provider name, endpoint and default model.</summary>
    public ChatClientMetadata Metadata { get; }

    /// <inheritdoc/>
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var request = OpenAIRequestMapper.CreateRequest(messages, options, _options, stream: false);
        var body = Serialize(request);
        using var response = await SendAsync(HttpMethod.Post, _chatCompletionsUri, body, request.Model, stream: false, cancellationToken).ConfigureAwait(false);
        ChatCompletionResponse? completion;
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                completion = await JsonSerializer.DeserializeAsync(stream, OpenAIWireJsonContext.Default.ChatCompletionResponse, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (JsonException ex)
        {
            throw ProtocolError($"{_displayName} answered HTTP 200 with a body that is not a chat.completion object: {ex.Message}", request.Model, ex);
        }

        if (completion is null)
        {
            throw ProtocolError($"{_displayName} answered HTTP 200 with 'null' instead of a chat.completion object.", request.Model, null);
        }

        if (completion.Error is { } error)
        {
            throw Failed(OpenAIErrorMapper.FromErrorBody(error, _options, completion.Model ?? request.Model, midStream: false));
        }

        if (completion.Choices is { Count: > 0 } choices && (choices[0].Error is not null || choices[0].FinishReason == "error"))
        {
            throw Failed(OpenAIErrorMapper.FromErrorBody(choices[0].Error, _options, completion.Model ?? request.Model, midStream: false));
        }

        return OpenAIResponseMapper.ToChatResponse(completion);
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var request = OpenAIRequestMapper.CreateRequest(messages, options, _options, stream: true);
        var body = Serialize(request);
        using var response = await SendAsync(HttpMethod.Post, _chatCompletionsUri, body, request.Model, stream: true, cancellationToken).ConfigureAwait(false);
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var enumerator = OpenAISseReader.ReadChunksAsync(stream, cancellationToken).GetAsyncEnumerator(cancellationToken);
            await using (enumerator.ConfigureAwait(false))
            {
                StreamingToolCallBuilder? toolCalls = null;
                StreamingReasoningDetailsBuilder? reasoningDetails = null;
                string? responseId = null;
                string? modelId = request.Model;
                DateTimeOffset? createdAt = null;
                var providerReported = false;
                while (true)
                {
                    ChatCompletionResponse chunk;
                    try
                    {
                        if (!await enumerator.MoveNextAsync().ConfigureAwait(false))
                        {
                            break;
                        }

                        chunk = enumerator.Current;
                    }
                    catch (JsonException ex)
                    {
                        throw ProtocolError($"{_displayName} sent a streamed event that is not a chat.completion.chunk: {ex.Message}", modelId, ex);
                    }
                    catch (Exception ex) when (ex is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
                    {
                        throw Failed(new LlmConnectorException(
                            $"The connection to {_displayName} broke while the response was streaming: {ex.Message}. The text streamed so far is incomplete.",
                            LlmErrorKind.Network,
                            _options.ProviderName,
                            innerException: ex)
                        { ModelId = modelId });
                    }

                    if (chunk.Error is { } chunkError)
                    {
                        throw Failed(OpenAIErrorMapper.FromErrorBody(chunkError, _options, chunk.Model ?? modelId, midStream: true));
                    }

                    responseId = chunk.Id ?? responseId;
                    modelId = chunk.Model ?? modelId;
                    createdAt = OpenAIResponseMapper.ToCreatedAt(chunk.Created) ?? createdAt;

                    var choice = chunk.Choices is { Count: > 0 } choices ? choices[0] : null;
                    var delta = choice?.Delta;
                    var update = new ChatResponseUpdate
                    {
                        Role = ChatRole.Assistant,
                        ResponseId = responseId,
                        MessageId = responseId,
                        ModelId = modelId,
                        CreatedAt = createdAt,
                        RawRepresentation = chunk,
                    };

                    if (delta is not null)
                    {
                        if (!string.IsNullOrEmpty(delta.Reasoning))
                        {
                            update.Contents.Add(new TextReasoningContent(delta.Reasoning));
                        }

                        if (delta.ReasoningDetails is { } details)
                        {
                            (reasoningDetails ??= new()).Add(details);
                        }

                        if (OpenAIResponseMapper.TextOf(delta.Content) is { Length: > 0 } text)
                        {
                            update.Contents.Add(new TextContent(text));
                        }

                        if (delta.ToolCalls is { Count: > 0 } calls)
                        {
                            (toolCalls ??= new()).Add(calls);
                        }
                    }

                    if (choice?.FinishReason is { } finish)
                    {
                        update.FinishReason = OpenAIResponseMapper.ToFinishReason(finish);
                        if (choice.NativeFinishReason is { } native)
                        {
                            (update.AdditionalProperties ??= [])[OpenAIPropertyKeys.NativeFinishReason] = native;
                        }

                        Flush(update, reasoningDetails, toolCalls);
                    }

                    if (!providerReported && chunk.Provider is { } provider)
                    {
                        providerReported = true;
                        (update.AdditionalProperties ??= [])[OpenAIPropertyKeys.Provider] = provider;
                    }

                    if (chunk.Usage is { } usage)
                    {
                        var usageContent = new UsageContent(OpenAIResponseMapper.ToUsageDetails(usage)) { RawRepresentation = usage };
                        if (usage.Cost is { } cost)
                        {
                            usageContent.AdditionalProperties = new() { [OpenAIPropertyKeys.Cost] = cost };
                            (update.AdditionalProperties ??= [])[OpenAIPropertyKeys.Cost] = cost;
                        }

                        update.Contents.Add(usageContent);
                    }

                    var failed = choice is not null && (choice.Error is not null || choice.FinishReason == "error");
                    if (failed)
                    {
                        update.FinishReason = null;
                    }

                    yield return update;

                    if (failed)
                    {
                        throw Failed(OpenAIErrorMapper.FromErrorBody(choice!.Error, _options, modelId, midStream: true));
                    }
                }

                if (reasoningDetails is { HasDetails: true } || toolCalls is { HasPending: true })
                {
                    var last = new ChatResponseUpdate { Role = ChatRole.Assistant, ResponseId = responseId, MessageId = responseId, ModelId = modelId, CreatedAt = createdAt };
                    Flush(last, reasoningDetails, toolCalls);
                    yield return last;
                }
            }
        }
    }

    /// <summary>Sends <c>GET /models</c>.</summary>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The catalogue.</returns>
    /// <exception cref="LlmConnectorException">The endpoint failed or answered something that is not a model list.</exception>
    public async Task<ModelsResponse> GetModelsAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        using var response = await SendAsync(HttpMethod.Get, _modelsUri, body: null, modelId: null, stream: false, cancellationToken).ConfigureAwait(false);
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                return await JsonSerializer.DeserializeAsync(stream, OpenAIWireJsonContext.Default.ModelsResponse, cancellationToken).ConfigureAwait(false)
                    ?? throw ProtocolError($"{_displayName} answered GET /models with 'null' instead of a model list.", null, null);
            }
        }
        catch (JsonException ex)
        {
            throw ProtocolError($"{_displayName} answered GET /models with a body that is not a model list: {ex.Message}", null, ex);
        }
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(ChatClientMetadata))
        {
            return Metadata;
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0 && _options.DisposeHttpClient)
        {
            _options.HttpClient.Dispose();
        }
    }

    private static void Flush(ChatResponseUpdate update, StreamingReasoningDetailsBuilder? reasoningDetails, StreamingToolCallBuilder? toolCalls)
    {
        if (reasoningDetails is { HasDetails: true })
        {
            if (OpenAIResponseMapper.ToReasoningContent(null, reasoningDetails.Build()) is { } content)
            {
                update.Contents.Add(content);
            }

            reasoningDetails.Clear();
        }

        if (toolCalls is { HasPending: true })
        {
            foreach (var call in toolCalls.Build())
            {
                update.Contents.Add(call);
            }
        }
    }

    private static Uri BaseUri(Uri endpoint)
    {
        var text = endpoint.ToString();
        return text.EndsWith('/') ? endpoint : new Uri(text + "/");
    }

    private byte[] Serialize(ChatCompletionRequest request)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(request, OpenAIWireJsonContext.Default.ChatCompletionRequest);
        if (_logger.IsEnabled(LogLevel.Trace))
        {
            OpenAICompatibleLog.RequestBody(_logger, _options.ProviderName, Encoding.UTF8.GetString(body));
        }

        return body;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, Uri uri, byte[]? body, string? modelId, bool stream, CancellationToken cancellationToken)
    {
        OpenAICompatibleLog.Sending(_logger, _options.ProviderName, method.Method, uri.AbsolutePath, modelId, stream);
        try
        {
            return await _pipeline.ExecuteAsync(
                static (state, token) => state.Self.SendOnceAsync(state.Method, state.Uri, state.Body, state.ModelId, state.Stream, token),
                new SendState(this, method, uri, body, modelId, stream),
                cancellationToken).ConfigureAwait(false);
        }
        catch (LlmConnectorException ex)
        {
            throw Failed(ex);
        }
        catch (HttpRequestException ex)
        {
            throw Failed(new LlmConnectorException(
                $"Could not reach {_displayName} at {_options.Endpoint}: {ex.Message}. Check the endpoint setting and the network.",
                LlmErrorKind.Network,
                _options.ProviderName,
                innerException: ex)
            { ModelId = modelId });
        }
    }

    [SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "The response is returned to the caller, who disposes it; on failure it is disposed here.")]
    private async ValueTask<HttpResponseMessage> SendOnceAsync(HttpMethod method, Uri uri, byte[]? body, string? modelId, bool stream, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, uri);
        if (body is not null)
        {
            var content = new ByteArrayContent(body);
            content.Headers.ContentType = JsonMediaType;
            request.Content = content;
        }

        request.Headers.Accept.Add(stream ? AcceptEventStream : AcceptJson);
        _options.ConfigureHttpRequest?.Invoke(request);

        using var timeoutSource = _options.Timeout is { } timeout ? new CancellationTokenSource(timeout, _options.TimeProvider) : null;
        using var linked = timeoutSource is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        var token = linked?.Token ?? cancellationToken;
        HttpResponseMessage? response = null;
        try
        {
            if (_options.AuthorizeHttpRequestAsync is { } authorize)
            {
                await authorize(request, token).ConfigureAwait(false);
            }

            response = await _options.HttpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                var error = await OpenAIErrorMapper.FromResponseAsync(response, _options, modelId, token).ConfigureAwait(false);
                OpenAICompatibleLog.Failed(_logger, _options.ProviderName, error.Kind, (int)response.StatusCode);
                throw error;
            }

            if (!stream)
            {
                await response.Content.LoadIntoBufferAsync(token).ConfigureAwait(false);
            }

            var result = response;
            response = null;
            return result;
        }
        catch (OperationCanceledException ex) when (timeoutSource is { IsCancellationRequested: true } && !cancellationToken.IsCancellationRequested)
        {
            throw new LlmConnectorException(
                $"{_displayName} did not answer within the configured timeout of {_options.Timeout}; raise the Timeout setting or try again.",
                LlmErrorKind.Timeout,
                _options.ProviderName,
                innerException: ex)
            { ModelId = modelId };
        }
        finally
        {
            response?.Dispose();
        }
    }

    private LlmConnectorException ProtocolError(string message, string? modelId, Exception? inner) =>
        Failed(new LlmConnectorException(message, LlmErrorKind.ProtocolError, _options.ProviderName, innerException: inner) { ModelId = modelId });

    private LlmConnectorException Failed(LlmConnectorException exception)
    {
        OpenAICompatibleLog.Failed(_logger, _options.ProviderName, exception.Kind, (int?)exception.StatusCode);
        return exception;
    }

    private readonly record struct SendState(OpenAICompatibleChatClient Self, HttpMethod Method, Uri Uri, byte[]? Body, string? ModelId, bool Stream);
}
