using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlmConnectors;

/// <summary>
/// Tries an ordered list of clients: the inner client first, then each of <see cref="Fallbacks"/>, moving on when a client fails with a
/// failure another provider may not have (rate limits, outages, timeouts, network faults, and the provider-specific kinds in
/// <see cref="FailoverOn"/>).
/// </summary>
/// <remarks>
/// <para>
/// Never fails over when the caller cancelled, nor on <see cref="LlmErrorKind.InvalidRequest"/>, <see cref="LlmErrorKind.RequestTooLarge"/> or
/// <see cref="LlmErrorKind.ContentFiltered"/> (the next provider would reject the request too): that failure is thrown as it is.
/// When streaming, a client is abandoned only before its first update; once an update has been yielded, failures propagate.
/// The next client is called at once (after <see cref="DelayBetweenAttempts"/>, at most 2 seconds; default none): transport
/// retries with backoff belong to the leaf clients, so retries never multiply.
/// </para>
/// <para>
/// The response (or the first streamed update) records the client that served it in
/// <see cref="ChatResponse.AdditionalProperties"/> under <see cref="ServedByPropertyName"/> (its name) and
/// <see cref="ServedByIndexPropertyName"/> (0 for the inner client), and the failures skipped under
/// <see cref="SkippedFailuresPropertyName"/> (one line each). When every client fails, a <see cref="FailoverExhaustedException"/>
/// carries each failure. Fallback clients are not disposed by this client; the inner client is.
/// </para>
/// </remarks>
public sealed partial class FailoverChatClient : DelegatingChatClient
{
    /// <summary>The <see cref="ChatResponse.AdditionalProperties"/> key of the name of the client that served the response.</summary>
    public const string ServedByPropertyName = "llmconnectors.failover.served_by";

    /// <summary>The <see cref="ChatResponse.AdditionalProperties"/> key of the position of the client that served the response (0 = the inner client).</summary>
    public const string ServedByIndexPropertyName = "llmconnectors.failover.served_by_index";

    /// <summary>The <see cref="ChatResponse.AdditionalProperties"/> key of the failures skipped before the response (a string array, one line each).</summary>
    public const string SkippedFailuresPropertyName = "llmconnectors.failover.skipped";

    /// <summary>The longest <see cref="DelayBetweenAttempts"/> accepted: 2 seconds.</summary>
    public static readonly TimeSpan MaxDelayBetweenAttempts = TimeSpan.FromSeconds(2);

    private readonly ILogger _logger;
    private TimeSpan _delayBetweenAttempts;
    private TimeSpan? _attemptTimeout;

    /// <summary>Initializes a new instance of the <see cref="FailoverChatClient"/> class.</summary>
    /// <param name="innerClient">The client tried first.</param>
    /// <param name="logger">The logger; none when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerClient"/> is <see langword="null"/>.</exception>
    public FailoverChatClient(IChatClient innerClient, ILogger? logger = null)
        : base(innerClient)
    {
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Gets the kinds of failure that are never failed over, whatever <see cref="FailoverOn"/> holds: the next provider would reject the request too.</summary>
    public static IReadOnlySet<LlmErrorKind> NeverFailOverOn { get; } = new HashSet<LlmErrorKind>
    {
        LlmErrorKind.InvalidRequest, LlmErrorKind.RequestTooLarge, LlmErrorKind.ContentFiltered,
    };

    /// <summary>Gets the default of <see cref="FailoverOn"/>.</summary>
    public static IReadOnlySet<LlmErrorKind> DefaultFailoverOn { get; } = new HashSet<LlmErrorKind>
    {
        LlmErrorKind.RateLimited, LlmErrorKind.ServerError, LlmErrorKind.Unavailable, LlmErrorKind.Timeout, LlmErrorKind.Network,
        LlmErrorKind.Authentication, LlmErrorKind.PaymentRequired, LlmErrorKind.PermissionDenied, LlmErrorKind.NotFound,
        LlmErrorKind.ProcessFailed, LlmErrorKind.NotInstalled, LlmErrorKind.ProtocolError,
    };

    /// <summary>Gets or sets the name the inner client is recorded under; its provider name, else <c>primary</c>, when <see langword="null"/>.</summary>
    public string? InnerClientName { get; set; }

    /// <summary>Gets the clients tried after the inner client, in order.</summary>
    public IList<FailoverTarget> Fallbacks { get; } = [];

    /// <summary>
    /// Gets the kinds of <see cref="LlmConnectorException"/> that move on to the next client, in addition to every failure whose
    /// <see cref="LlmConnectorException.IsTransient"/> is <see langword="true"/>. Default (<see cref="DefaultFailoverOn"/>): the transient
    /// kinds plus the provider-specific <see cref="LlmErrorKind.Authentication"/>, <see cref="LlmErrorKind.PaymentRequired"/>,
    /// <see cref="LlmErrorKind.PermissionDenied"/>, <see cref="LlmErrorKind.NotFound"/>, <see cref="LlmErrorKind.ProcessFailed"/>,
    /// <see cref="LlmErrorKind.NotInstalled"/> and <see cref="LlmErrorKind.ProtocolError"/>. Kinds in <see cref="NeverFailOverOn"/> are ignored.
    /// <see cref="HttpRequestException"/>, <see cref="TimeoutException"/> and timeouts not requested by the caller always move on.
    /// </summary>
    public ISet<LlmErrorKind> FailoverOn { get; } = new HashSet<LlmErrorKind>(DefaultFailoverOn);

    /// <summary>Gets or sets how long to wait before calling the next client. Default: <see cref="TimeSpan.Zero"/>; at most <see cref="MaxDelayBetweenAttempts"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative or longer than 2 seconds.</exception>
    public TimeSpan DelayBetweenAttempts
    {
        get => _delayBetweenAttempts;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, MaxDelayBetweenAttempts);
            _delayBetweenAttempts = value;
        }
    }

    /// <summary>
    /// Gets or sets how long one client may take before the next is tried: the whole response, or, when streaming, the first update.
    /// Default: <see langword="null"/> (no limit of its own: the leaf clients' timeouts apply).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is zero or negative.</exception>
    public TimeSpan? AttemptTimeout
    {
        get => _attemptTimeout;
        set
        {
            if (value is { } timeout)
            {
                ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
            }

            _attemptTimeout = value;
        }
    }

    /// <summary>Adds a fallback client.</summary>
    /// <param name="client">The client.</param>
    /// <param name="modelId">The model id to ask it for; the request's own when <see langword="null"/>.</param>
    /// <param name="name">The name recorded in responses and failures.</param>
    /// <returns>This client.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="client"/> is <see langword="null"/>.</exception>
    public FailoverChatClient AddFallback(IChatClient client, string? modelId = null, string? name = null)
    {
        Fallbacks.Add(new FailoverTarget(client, modelId, name));
        return this;
    }

    /// <inheritdoc/>
    /// <exception cref="FailoverExhaustedException">Every client failed with a failure worth failing over on.</exception>
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var messageList = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        List<FailoverFailure>? failures = null;
        var count = Fallbacks.Count + 1;
        for (var index = 0; index < count; index++)
        {
            var (client, modelId, name) = GetTarget(index);
            var attemptOptions = WithModel(options, modelId);
            using var attemptCts = AttemptTimeout is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attemptCts?.CancelAfter(AttemptTimeout!.Value);
            try
            {
                var response = await client.GetResponseAsync(messageList, attemptOptions, attemptCts?.Token ?? cancellationToken).ConfigureAwait(false);
                response.AdditionalProperties = Annotate(response.AdditionalProperties, name, index, failures);
                return response;
            }
            catch (Exception e) when (ShouldFailOver(e, cancellationToken))
            {
                failures = await RecordAndWaitAsync(failures, name, attemptOptions?.ModelId, e, attemptCts, index == count - 1, cancellationToken).ConfigureAwait(false);
            }
        }

        throw new FailoverExhaustedException(failures!);
    }

    /// <inheritdoc/>
    /// <exception cref="FailoverExhaustedException">Every client failed, before its first update, with a failure worth failing over on.</exception>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var messageList = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        List<FailoverFailure>? failures = null;
        var count = Fallbacks.Count + 1;
        for (var index = 0; index < count; index++)
        {
            var (client, modelId, name) = GetTarget(index);
            var attemptOptions = WithModel(options, modelId);
            var attemptCts = AttemptTimeout is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            IAsyncEnumerator<ChatResponseUpdate>? enumerator = null;
            try
            {
                attemptCts?.CancelAfter(AttemptTimeout!.Value);
                bool hasFirst;
                Exception? failure = null;
                try
                {
                    enumerator = client.GetStreamingResponseAsync(messageList, attemptOptions, attemptCts?.Token ?? cancellationToken).GetAsyncEnumerator(attemptCts?.Token ?? cancellationToken);
                    hasFirst = await enumerator.MoveNextAsync().ConfigureAwait(false);
                }
                catch (Exception e) when (ShouldFailOver(e, cancellationToken))
                {
                    hasFirst = false;
                    failure = e;
                }

                if (failure is not null)
                {
                    failures = await RecordAndWaitAsync(failures, name, attemptOptions?.ModelId, failure, attemptCts, index == count - 1, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                // The first update is in: from here on this client serves the request, and its per-attempt timeout no longer applies.
                attemptCts?.CancelAfter(Timeout.InfiniteTimeSpan);
                if (!hasFirst)
                {
                    yield break;
                }

                var first = enumerator!.Current;
                first.AdditionalProperties = Annotate(first.AdditionalProperties, name, index, failures);
                yield return first;
                while (await enumerator.MoveNextAsync().ConfigureAwait(false))
                {
                    yield return enumerator.Current;
                }

                yield break;
            }
            finally
            {
                if (enumerator is not null)
                {
                    await enumerator.DisposeAsync().ConfigureAwait(false);
                }

                attemptCts?.Dispose();
            }
        }

        throw new FailoverExhaustedException(failures!);
    }

    /// <inheritdoc/>
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : base.GetService(serviceType, serviceKey);
    }

    /// <summary>Tells whether a failure moves on to the next client.</summary>
    /// <param name="exception">The failure.</param>
    /// <param name="cancellationToken">The caller's token: a cancellation it requested never fails over.</param>
    /// <returns><see langword="true"/> to try the next client.</returns>
    internal bool ShouldFailOver(Exception exception, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return false;
        }

        return exception switch
        {
            LlmConnectorException e when NeverFailOverOn.Contains(e.Kind) => false,
            LlmConnectorException e => e.IsTransient || FailoverOn.Contains(e.Kind),
            HttpRequestException or TimeoutException => true,

            // Not the caller's cancellation: a timeout (HttpClient.Timeout, AttemptTimeout).
            OperationCanceledException => true,
            _ => false,
        };
    }

    private static ChatOptions? WithModel(ChatOptions? options, string? modelId)
    {
        if (modelId is null)
        {
            return options;
        }

        var clone = options?.Clone() ?? new ChatOptions();
        clone.ModelId = modelId;
        return clone;
    }

    private static AdditionalPropertiesDictionary Annotate(AdditionalPropertiesDictionary? properties, string name, int index, List<FailoverFailure>? failures)
    {
        properties ??= [];
        properties[ServedByPropertyName] = name;
        properties[ServedByIndexPropertyName] = index;
        if (failures is not null)
        {
            properties[SkippedFailuresPropertyName] = failures.Select(f => f.ToString()).ToArray();
        }

        return properties;
    }

    private (IChatClient Client, string? ModelId, string Name) GetTarget(int index)
    {
        if (index == 0)
        {
            return (InnerClient, null, InnerClientName ?? ProviderName(InnerClient) ?? "primary");
        }

        var target = Fallbacks[index - 1];
        return (target.Client, target.ModelId, target.Name ?? ProviderName(target.Client) ?? $"fallback-{index}");
    }

    private static string? ProviderName(IChatClient client) =>
        (client.GetService(typeof(ChatClientMetadata)) as ChatClientMetadata)?.ProviderName;

    private async ValueTask<List<FailoverFailure>> RecordAndWaitAsync(
        List<FailoverFailure>? failures, string name, string? modelId, Exception exception, CancellationTokenSource? attemptCts, bool last, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && attemptCts is { IsCancellationRequested: true })
        {
            exception = new TimeoutException($"The client '{name}' did not answer within {nameof(AttemptTimeout)} ({AttemptTimeout}).", exception);
        }

        failures ??= [];
        failures.Add(new FailoverFailure(name, modelId, exception));
        Log.FailedOver(_logger, name, exception is LlmConnectorException e ? e.Kind.ToString() : exception.GetType().Name, last);
        if (!last && DelayBetweenAttempts > TimeSpan.Zero)
        {
            await Task.Delay(DelayBetweenAttempts, cancellationToken).ConfigureAwait(false);
        }

        return failures;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "The client {ClientName} failed ({Kind}); last client: {Last}.")]
        public static partial void FailedOver(ILogger logger, string clientName, string kind, bool last);
    }
}
