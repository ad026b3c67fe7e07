using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading.RateLimiting;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlmConnectors;

/// <summary>
/// A request queue in front of one provider, on System.Threading.RateLimiting: at most
/// <see cref="ChatRequestLimitOptions.MaxConcurrentRequests"/> requests run at once, the others wait first in, first out up to
/// <see cref="ChatRequestLimitOptions.QueueLimit"/>, and optional per-minute limits on requests and prompt tokens hold a request
/// back until the window allows it.
/// </summary>
/// <remarks>
/// <para>
/// A request that finds a queue full fails at once with an <see cref="LlmConnectorException"/> of kind
/// <see cref="LlmErrorKind.RateLimited"/> whose <see cref="LlmConnectorException.RetryAfter"/> says how long to wait: the limiter's
/// own hint for the per-minute limits, the average time a request has taken for the concurrency limit. Failover and retries treat
/// it as they treat a provider's 429.
/// </para>
/// <para>A streamed request keeps its slot until the stream is read to the end or disposed. Cancelling a waiting request takes it
/// out of the queue. <see cref="ActiveCount"/> and <see cref="QueuedCount"/> are live (a health endpoint reads them), and
/// <see cref="RejectWaitingRequests"/> lets a host that is shutting down answer the waiting requests at once.</para>
/// <para>The same limiter serves the Claude proxy's request queue (<c>ClaudeProxy:MaxConcurrentRequests</c>, <c>QueueLimit</c>,
/// <c>QueueFullRetryAfter</c>) and the Claude CLI client's process slots (<c>ClaudeCli:MaxConcurrency</c>, <c>MaxQueueLength</c>).</para>
/// </remarks>
public sealed class ConcurrencyLimitingChatClient : DelegatingChatClient
{
    private const string ConcurrencyLimitName = "MaxConcurrentRequests";
    private const string RequestsLimitName = "RequestsPerMinute";
    private const string TokensLimitName = "TokensPerMinute";

    /// <summary>The weight of the newest request in the running average of request durations.</summary>
    private const double AverageWeight = 0.2;

    private readonly ConcurrencyLimiter _concurrency;
    private readonly SlidingWindowRateLimiter? _requests;
    private readonly TokenBucketRateLimiter? _tokens;
    private readonly ILogger _logger;
    private readonly string _provider;
    private readonly CancellationTokenSource _rejectWaiting = new();
    private readonly Lock _averageLock = new();
    private TimeSpan? _averageDuration;

    /// <summary>Initializes a new instance of the <see cref="ConcurrencyLimitingChatClient"/> class.</summary>
    /// <param name="innerClient">The client whose requests are limited.</param>
    /// <param name="options">The limits; the defaults when <see langword="null"/>. Read once, here.</param>
    /// <param name="logger">Where to log waits (Debug) and rejections (Warning), or <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerClient"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A limit is out of range; the message names the setting.</exception>
    public ConcurrencyLimitingChatClient(IChatClient innerClient, ChatRequestLimitOptions? options = null, ILogger? logger = null)
        : base(innerClient)
    {
        options ??= new ChatRequestLimitOptions();
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("The request limits are not valid: " + string.Join(" ", errors), nameof(options));
        }

        Options = options;
        _logger = logger ?? NullLogger.Instance;
        _provider = innerClient.GetService<ChatClientMetadata>()?.ProviderName ?? "chat client";
        _concurrency = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = options.MaxConcurrentRequests,
            QueueLimit = options.QueueLimit,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });

        if (options.RequestsPerMinute is { } requestsPerMinute)
        {
            _requests = new SlidingWindowRateLimiter(new SlidingWindowRateLimiterOptions
            {
                PermitLimit = requestsPerMinute,
                Window = TimeSpan.FromMinutes(1),
                SegmentsPerWindow = 6,
                QueueLimit = options.QueueLimit,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                AutoReplenishment = true,
            });
        }

        if (options.TokensPerMinute is { } tokensPerMinute)
        {
            _tokens = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
            {
                TokenLimit = tokensPerMinute,
                TokensPerPeriod = Math.Max(1, tokensPerMinute / 60),
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = options.QueueLimit == 0 ? 0 : (int)Math.Min(int.MaxValue, (long)tokensPerMinute * options.QueueLimit),
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                AutoReplenishment = true,
            });
        }
    }

    /// <summary>Gets the limits this client enforces.</summary>
    public ChatRequestLimitOptions Options { get; }

    /// <summary>Gets how many requests hold a slot right now (running, or streaming).</summary>
    public int ActiveCount => Options.MaxConcurrentRequests - (int)(_concurrency.GetStatistics()?.CurrentAvailablePermits ?? Options.MaxConcurrentRequests);

    /// <summary>Gets how many requests wait for a slot right now.</summary>
    public int QueuedCount => (int)(_concurrency.GetStatistics()?.CurrentQueuedCount ?? 0);

    /// <summary>Gets a value indicating whether <see cref="RejectWaitingRequests"/> was called.</summary>
    public bool IsRejectingWaitingRequests => _rejectWaiting.IsCancellationRequested;

    /// <summary>
    /// Gets the hint a queue-full rejection carries: how long a slot takes to free on average (the running average of request
    /// durations divided by <see cref="ChatRequestLimitOptions.MaxConcurrentRequests"/>), never less than
    /// <see cref="ChatRequestLimitOptions.QueueFullRetryAfter"/>.
    /// </summary>
    public TimeSpan QueueFullRetryAfter
    {
        get
        {
            TimeSpan? average;
            lock (_averageLock)
            {
                average = _averageDuration;
            }

            var estimate = average is { } a ? a / Options.MaxConcurrentRequests : TimeSpan.Zero;
            return estimate > Options.QueueFullRetryAfter ? estimate : Options.QueueFullRetryAfter;
        }
    }

    /// <summary>
    /// Gets or sets how a rejection becomes an exception, for a host that answers in its own terms (the Claude CLI client's
    /// <c>ClaudeCli:MaxQueueLength</c> message, the proxy's 429 and 503 bodies); <see langword="null"/> for the default
    /// <see cref="LlmConnectorException"/>.
    /// </summary>
    internal Func<ChatRequestRejection, Exception>? CreateRejection { get; set; }

    /// <summary>
    /// Stops admitting requests, for a host that is shutting down: every request waiting for a slot, and every request that arrives
    /// later, fails at once with an <see cref="LlmConnectorException"/> of kind <see cref="LlmErrorKind.Unavailable"/> (error code
    /// <c>shutting_down</c>) instead of waiting out the shutdown; requests that hold a slot go on.
    /// </summary>
    public void RejectWaitingRequests() => _rejectWaiting.Cancel();

    /// <summary>Gets how many requests are running and how many wait for a slot right now.</summary>
    /// <returns>The concurrency limiter's statistics: <see cref="RateLimiterStatistics.CurrentAvailablePermits"/> free slots, <see cref="RateLimiterStatistics.CurrentQueuedCount"/> waiting requests.</returns>
    public RateLimiterStatistics? GetStatistics() => _concurrency.GetStatistics();

    /// <inheritdoc/>
    /// <exception cref="LlmConnectorException">A queue is full (kind <see cref="LlmErrorKind.RateLimited"/>, with a retry hint), or the inner client failed.</exception>
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        using var leases = await AcquireAsync(messages, options, cancellationToken).ConfigureAwait(false);
        return await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    /// <exception cref="LlmConnectorException">A queue is full (kind <see cref="LlmErrorKind.RateLimited"/>, with a retry hint), or the inner client failed.</exception>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        using var leases = await AcquireAsync(messages, options, cancellationToken).ConfigureAwait(false);
        await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            yield return update;
        }
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _concurrency.Dispose();
            _rejectWaiting.Dispose();
            _requests?.Dispose();
            _tokens?.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>Estimates the prompt tokens of a request: one per four characters of text, at least one, at most the per-minute budget.</summary>
    /// <param name="messages">The conversation.</param>
    /// <param name="options">The request options (their instructions count).</param>
    /// <param name="budget">The per-minute budget.</param>
    /// <returns>The estimate.</returns>
    internal static int EstimatePromptTokens(IEnumerable<ChatMessage> messages, ChatOptions? options, int budget)
    {
        long characters = options?.Instructions?.Length ?? 0;
        foreach (var message in messages)
        {
            foreach (var content in message.Contents)
            {
                if (content is TextContent text)
                {
                    characters += text.Text?.Length ?? 0;
                }
            }
        }

        return (int)Math.Clamp((characters + 3) / 4, 1, budget);
    }

    private async ValueTask<LeaseSet> AcquireAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        var leases = new LeaseSet(this);
        try
        {
            leases.Add(await AcquireOneAsync(_concurrency, 1, ConcurrencyLimitName, cancellationToken).ConfigureAwait(false));
            if (_requests is not null)
            {
                leases.Add(await AcquireOneAsync(_requests, 1, RequestsLimitName, cancellationToken).ConfigureAwait(false));
            }

            if (_tokens is not null)
            {
                var estimate = EstimatePromptTokens(messages, options, Options.TokensPerMinute!.Value);
                leases.Add(await AcquireOneAsync(_tokens, estimate, TokensLimitName, cancellationToken).ConfigureAwait(false));
            }

            leases.Started = Stopwatch.GetTimestamp();
            return leases;
        }
        catch
        {
            leases.Dispose();
            throw;
        }
    }

    private async ValueTask<RateLimitLease> AcquireOneAsync(RateLimiter limiter, int permits, string limitName, CancellationToken cancellationToken)
    {
        if (_rejectWaiting.IsCancellationRequested)
        {
            throw Reject(new ChatRequestRejection(limitName, RetryAfter: null, ShuttingDown: true));
        }

        // A free slot is taken without waiting (and without linking tokens); otherwise the request waits in the queue until a slot
        // frees, the caller cancels, or the host rejects the waiting requests.
        var lease = limiter.AttemptAcquire(permits);
        if (!lease.IsAcquired)
        {
            lease.Dispose();
            var started = Stopwatch.GetTimestamp();
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _rejectWaiting.Token);
            try
            {
                lease = await limiter.AcquireAsync(permits, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_rejectWaiting.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw Reject(new ChatRequestRejection(limitName, RetryAfter: null, ShuttingDown: true));
            }

            if (lease.IsAcquired)
            {
                var waited = Stopwatch.GetElapsedTime(started);
                if (waited > TimeSpan.FromMilliseconds(1))
                {
                    RateLimitingLog.Waited(_logger, _provider, waited, limitName);
                }
            }
        }

        if (lease.IsAcquired)
        {
            return lease;
        }

        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var hint) ? hint : QueueFullRetryAfter;
        lease.Dispose();
        RateLimitingLog.Rejected(_logger, _provider, limitName, retryAfter);
        throw Reject(new ChatRequestRejection(limitName, retryAfter, ShuttingDown: false));
    }

    private Exception Reject(ChatRequestRejection rejection)
    {
        if (CreateRejection is { } create)
        {
            return create(rejection);
        }

        return rejection.ShuttingDown
            ? new LlmConnectorException(
                $"{_provider} is shutting down and did not start this request; retry after a restart.", LlmErrorKind.Unavailable, _provider)
            {
                ErrorCode = "shutting_down",
            }
            : new LlmConnectorException(
                $"Too many requests are waiting for {_provider}: the {rejection.LimitName} queue of this client is full (QueueLimit {Options.QueueLimit}). " +
                $"Retry in about {rejection.RetryAfter!.Value.TotalSeconds:0.#} s, or raise the Limits:{rejection.LimitName} or Limits:QueueLimit setting of this provider.",
                LlmErrorKind.RateLimited,
                _provider)
            {
                RetryAfter = rejection.RetryAfter,
                ErrorCode = "local_queue_full",
            };
    }

    private void Record(TimeSpan duration)
    {
        lock (_averageLock)
        {
            _averageDuration = _averageDuration is { } average ? (average * (1 - AverageWeight)) + (duration * AverageWeight) : duration;
        }
    }

    /// <summary>The leases one request holds, released together; releasing them adds the time they were held to the running average.</summary>
    private sealed class LeaseSet(ConcurrencyLimitingChatClient owner) : IDisposable
    {
        private readonly List<RateLimitLease> _leases = new(3);

        public long Started { get; set; }

        public void Add(RateLimitLease lease) => _leases.Add(lease);

        public void Dispose()
        {
            if (Started != 0)
            {
                owner.Record(Stopwatch.GetElapsedTime(Started));
                Started = 0;
            }

            foreach (var lease in _leases)
            {
                lease.Dispose();
            }

            _leases.Clear();
        }
    }
}
