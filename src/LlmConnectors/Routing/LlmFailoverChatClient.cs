#pragma warning disable MEAI001 // LlmFailoverChatClient and RoutingContext are marked experimental by Microsoft.Extensions.AI; see the remarks.

using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
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
/// A specialization of Microsoft.Extensions.AI's <see cref="FailoverChatClient"/> template (marked experimental there, MEAI001; the pack
/// suppresses the diagnostic): the template owns invocation, the streaming commitment (a client is abandoned only before its first
/// update; once an update has been yielded, failures propagate) and the attempt limit
/// (<see cref="FailoverChatClient.MaximumAttemptsPerRequest"/>); this client adds decisions by <see cref="LlmErrorKind"/>, a model per
/// target, the per-attempt timeout and the <c>served_by</c> annotations.
/// </para>
/// <para>
/// Never fails over when the caller cancelled, nor on <see cref="LlmErrorKind.InvalidRequest"/>, <see cref="LlmErrorKind.RequestTooLarge"/> or
/// <see cref="LlmErrorKind.ContentFiltered"/> (the next provider would reject the request too): that failure is thrown as it is.
/// The next client is called at once (after <see cref="DelayBetweenAttempts"/>, at most 2 seconds; default none).
/// </para>
/// <para>
/// <b>Handing over in under 2 seconds.</b> Every client but the last is called with its transport retries off (the pack's Polly
/// pipeline, the OpenAI SDK's retry policy and the Anthropic SDK's <c>MaxRetries</c> all make a single try: see
/// <c>FailoverAttemptScope</c>), so a 503, a 429 with a long <c>Retry-After</c> or a refused connection hands over at once instead of
/// after the leaf's backoff. A client that hangs has not failed: <see cref="AttemptTimeout"/> cuts it when set (no default, because a
/// non-streaming answer arrives whole and a long one legitimately takes many seconds; 1.5 s suits streamed chats whose first update
/// comes quickly). The last client has no one to hand over to: it keeps its full retry policy and is not cut. A client used alone, without a
/// failover, always keeps its full retry policy. <see cref="RetryBeforeHandover"/> gives the clients their retries back.
/// </para>
/// <para>
/// The response (or the first streamed update) records the client that served it in
/// <see cref="ChatResponse.AdditionalProperties"/> under <see cref="ServedByPropertyName"/> (its name) and
/// <see cref="ServedByIndexPropertyName"/> (0 for the inner client), and the failures skipped under
/// <see cref="SkippedFailuresPropertyName"/> (one line each). When every client fails, a <see cref="FailoverExhaustedException"/>
/// carries each failure. Fallback clients are not disposed by this client; the inner client is. <see cref="GetService"/> answers
/// for this client and forwards everything else (<see cref="ChatClientMetadata"/> included) to the inner client.
/// </para>
/// </remarks>
public sealed partial class LlmFailoverChatClient : FailoverChatClient
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
    private readonly ConcurrentDictionary<RoutingContext, List<FailoverFailure>> _requests = new();
    private TimeSpan _delayBetweenAttempts;
    private TimeSpan? _attemptTimeout;
    private TimeProvider _timeProvider = TimeProvider.System;

    /// <summary>Initializes a new instance of the <see cref="LlmFailoverChatClient"/> class.</summary>
    /// <param name="innerClient">The client tried first.</param>
    /// <param name="logger">The logger; none when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerClient"/> is <see langword="null"/>.</exception>
    public LlmFailoverChatClient(IChatClient innerClient, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(innerClient);
        InnerClient = innerClient;
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

    /// <summary>Gets the client tried first.</summary>
    public IChatClient InnerClient { get; }

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
    /// The last client is not cut (there is no one to hand over to). Default: <see langword="null"/>, no limit of its own (the leaf
    /// clients' timeouts apply): a whole non-streaming answer cannot be told from a hang before it arrives, and a long one takes many
    /// seconds. Set it (for example 1.5 s on streamed chats, where it bounds the first update) to hand over from a client that hangs.
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

    /// <summary>
    /// Gets or sets a value indicating whether the clients before the last keep their own transport retries (with backoff and
    /// <c>Retry-After</c> waits) before the failover hands over. Default: <see langword="false"/>, so that a transient failure hands
    /// over in under 2 seconds; the last client always keeps its retries.
    /// </summary>
    public bool RetryBeforeHandover { get; set; }

    /// <summary>Gets or sets the clock of <see cref="AttemptTimeout"/> (tests pass a fake one). Default: <see cref="TimeProvider.System"/>.</summary>
    /// <exception cref="ArgumentNullException">The value is <see langword="null"/>.</exception>
    public TimeProvider TimeProvider
    {
        get => _timeProvider;
        set => _timeProvider = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>Adds a fallback client.</summary>
    /// <param name="client">The client.</param>
    /// <param name="modelId">The model id to ask it for; the request's own when <see langword="null"/>.</param>
    /// <param name="name">The name recorded in responses and failures.</param>
    /// <returns>This client.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="client"/> is <see langword="null"/>.</exception>
    public LlmFailoverChatClient AddFallback(IChatClient client, string? modelId = null, string? name = null)
    {
        Fallbacks.Add(new FailoverTarget(client, modelId, name));
        return this;
    }

    /// <inheritdoc/>
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return base.GetService(serviceType, serviceKey) ?? InnerClient.GetService(serviceType, serviceKey);
    }

    /// <inheritdoc/>
    protected override ValueTask<IChatClient> SelectClientAsync(RoutingContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var failures = _requests.GetOrAdd(context, static _ => []);
        var index = failures.Count;
        var (client, modelId, name) = GetTarget(index);
        var handsOver = index < Fallbacks.Count && (MaximumAttemptsPerRequest is not { } limit || index + 1 < limit);
        return new ValueTask<IChatClient>(new Attempt(this, client, modelId, name, index, handsOver, failures));
    }

    /// <inheritdoc/>
    /// <exception cref="FailoverExhaustedException">Every client failed, before any output, with a failure worth failing over on.</exception>
    protected override async ValueTask OnRoutingUpdateAsync(
        RoutingContext context, FailoverChatClientAttempt attempt, bool isTerminal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(attempt);
        if (attempt.Exception is not { } exception || attempt.OutputCommitted || cancellationToken.IsCancellationRequested)
        {
            // Served, abandoned by the caller, failed after output (the template rethrows it) or cancelled by the caller.
            _ = _requests.TryRemove(context, out _);
            return;
        }

        if (!ShouldFailOver(exception, cancellationToken))
        {
            _ = _requests.TryRemove(context, out _);
            ExceptionDispatchInfo.Throw(exception);
        }

        var failures = _requests.GetOrAdd(context, static _ => []);
        var attemptClient = (Attempt)attempt.Client;
        failures.Add(new FailoverFailure(attemptClient.Name, attemptClient.ModelId, exception));
        var last = isTerminal || failures.Count > Fallbacks.Count;
        Log.FailedOver(_logger, attemptClient.Name, exception is LlmConnectorException e ? e.Kind.ToString() : exception.GetType().Name, last);
        if (last)
        {
            _ = _requests.TryRemove(context, out _);
            throw new FailoverExhaustedException(failures);
        }

        if (DelayBetweenAttempts > TimeSpan.Zero)
        {
            await Task.Delay(DelayBetweenAttempts, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            InnerClient.Dispose();
        }

        base.Dispose(disposing);
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

    /// <summary>One attempt on one target: applies its model id and the attempt timeout, and annotates what it serves.</summary>
    /// <param name="owner">The failover client.</param>
    /// <param name="client">The target.</param>
    /// <param name="modelId">The target's model, or <see langword="null"/>.</param>
    /// <param name="name">The target's name.</param>
    /// <param name="index">The target's position.</param>
    /// <param name="handsOver">Whether another client follows this one: its retries are then off and <see cref="AttemptTimeout"/> applies.</param>
    /// <param name="failures">The failures so far.</param>
    private sealed class Attempt(
        LlmFailoverChatClient owner, IChatClient client, string? modelId, string name, int index, bool handsOver, List<FailoverFailure> failures)
        : IChatClient
    {
        public string Name => name;

        public string? ModelId => modelId;

        public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            var attemptOptions = WithModel(options);
            using var attemptCts = CreateTimeout(cancellationToken);
            ChatResponse response;
            try
            {
                using (EnterScope())
                {
                    response = await client.GetResponseAsync(messages, attemptOptions, attemptCts?.Token ?? cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException e) when (TimedOut(attemptCts, cancellationToken))
            {
                throw TimeoutOf(e);
            }

            response.AdditionalProperties = Annotate(response.AdditionalProperties);
            return response;
        }

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
            IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            var attemptOptions = WithModel(options);
            using var attemptCts = CreateTimeout(cancellationToken);
            var token = attemptCts?.Token ?? cancellationToken;
            IAsyncEnumerator<ChatResponseUpdate> enumerator;
            using (EnterScope())
            {
                enumerator = client.GetStreamingResponseAsync(messages, attemptOptions, token).GetAsyncEnumerator(token);
            }

            await using (enumerator.ConfigureAwait(false))
            {
                bool hasFirst;
                try
                {
                    // Streams are retried only before their first update, so the scope covers exactly that.
                    using (EnterScope())
                    {
                        hasFirst = await enumerator.MoveNextAsync().ConfigureAwait(false);
                    }
                }
                catch (OperationCanceledException e) when (TimedOut(attemptCts, cancellationToken))
                {
                    throw TimeoutOf(e);
                }

                // The first update is in: from here on this client serves the request, and the attempt timeout no longer applies.
                attemptCts?.Stop();
                if (!hasFirst)
                {
                    yield break;
                }

                var first = enumerator.Current;
                first.AdditionalProperties = Annotate(first.AdditionalProperties);
                yield return first;
                while (await enumerator.MoveNextAsync().ConfigureAwait(false))
                {
                    yield return enumerator.Current;
                }
            }
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => client.GetService(serviceType, serviceKey);

        public void Dispose()
        {
            // The attempt owns nothing: the targets belong to the failover client and its caller.
        }

        private AttemptTimer? CreateTimeout(CancellationToken cancellationToken) =>
            handsOver && owner.AttemptTimeout is { } timeout ? new AttemptTimer(timeout, owner.TimeProvider, cancellationToken) : null;

        private FailoverAttemptScope.Scope? EnterScope() =>
            handsOver && !owner.RetryBeforeHandover ? FailoverAttemptScope.Enter() : null;

        private static bool TimedOut(AttemptTimer? attemptCts, CancellationToken cancellationToken) =>
            attemptCts is { IsCancellationRequested: true } && !cancellationToken.IsCancellationRequested;

        private TimeoutException TimeoutOf(OperationCanceledException e) =>
            new($"The client '{name}' did not answer within {nameof(AttemptTimeout)} ({owner.AttemptTimeout}).", e);

        private ChatOptions? WithModel(ChatOptions? options)
        {
            if (modelId is null)
            {
                return options;
            }

            var clone = options?.Clone() ?? new ChatOptions();
            clone.ModelId = modelId;
            return clone;
        }

        private AdditionalPropertiesDictionary Annotate(AdditionalPropertiesDictionary? properties)
        {
            properties ??= [];
            properties[ServedByPropertyName] = name;
            properties[ServedByIndexPropertyName] = index;
            if (failures.Count > 0)
            {
                properties[SkippedFailuresPropertyName] = failures.Select(f => f.ToString()).ToArray();
            }

            return properties;
        }
    }

    /// <summary>The attempt's token: cancelled by the caller's token or by <see cref="AttemptTimeout"/> on <see cref="TimeProvider"/>.</summary>
    private sealed class AttemptTimer : IDisposable
    {
        private readonly CancellationTokenSource _cts;
        private readonly CancellationTokenRegistration _registration;

        public AttemptTimer(TimeSpan timeout, TimeProvider timeProvider, CancellationToken cancellationToken)
        {
            _cts = new CancellationTokenSource(timeout, timeProvider);
            _registration = cancellationToken.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), _cts);
        }

        public CancellationToken Token => _cts.Token;

        public bool IsCancellationRequested => _cts.IsCancellationRequested;

        public void Stop() => _cts.CancelAfter(Timeout.InfiniteTimeSpan);

        public void Dispose()
        {
            _registration.Dispose();
            _cts.Dispose();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "The client {ClientName} failed ({Kind}); last client: {Last}.")]
        public static partial void FailedOver(ILogger logger, string clientName, string kind, bool last);
    }
}
