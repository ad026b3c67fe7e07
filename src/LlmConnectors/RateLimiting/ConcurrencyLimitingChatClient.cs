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
/// out of the queue.</para>
/// </remarks>
public sealed class ConcurrencyLimitingChatClient : DelegatingChatClient
{
    private const string ConcurrencyLimitName = "MaxConcurrentRequests";
    private const string RequestsLimitName = "RequestsPerMinute";
    private const string TokensLimitName = "TokensPerMinute";
    private static readonly TimeSpan DefaultRetryHint = TimeSpan.FromSeconds(1);

    private readonly ConcurrencyLimiter _concurrency;
    private readonly SlidingWindowRateLimiter? _requests;
    private readonly TokenBucketRateLimiter? _tokens;
    private readonly ILogger _logger;
    private readonly string _provider;
    private long _completedRequests;
    private long _completedTicks;

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

    /// <summary>Gets how many requests are running and how many wait for a slot right now.</summary>
    /// <returns>The concurrency limiter's statistics: <see cref="RateLimiterStatistics.CurrentAvailablePermits"/> free slots, <see cref="RateLimiterStatistics.CurrentQueuedCount"/> waiting requests.</returns>
    public RateLimiterStatistics? GetStatistics() => _concurrency.GetStatistics();

    /// <inheritdoc/>
    /// <exception cref="LlmConnectorException">A queue is full (kind <see cref="LlmErrorKind.RateLimited"/>, with a retry hint), or the inner client failed.</exception>
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        using var leases = await AcquireAsync(messages, options, cancellationToken).ConfigureAwait(false);
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Record(started);
        }
    }

    /// <inheritdoc/>
    /// <exception cref="LlmConnectorException">A queue is full (kind <see cref="LlmErrorKind.RateLimited"/>, with a retry hint), or the inner client failed.</exception>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        using var leases = await AcquireAsync(messages, options, cancellationToken).ConfigureAwait(false);
        var started = Stopwatch.GetTimestamp();
        try
        {
            await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
            {
                yield return update;
            }
        }
        finally
        {
            Record(started);
        }
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _concurrency.Dispose();
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
        var leases = new LeaseSet();
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
        var started = Stopwatch.GetTimestamp();
        var lease = await limiter.AcquireAsync(permits, cancellationToken).ConfigureAwait(false);
        if (lease.IsAcquired)
        {
            var waited = Stopwatch.GetElapsedTime(started);
            if (waited > TimeSpan.FromMilliseconds(1))
            {
                RateLimitingLog.Waited(_logger, _provider, waited, limitName);
            }

            return lease;
        }

        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var hint) ? hint : AverageDuration();
        lease.Dispose();
        RateLimitingLog.Rejected(_logger, _provider, limitName, retryAfter);
        throw new LlmConnectorException(
            $"Too many requests are waiting for {_provider}: the {limitName} queue of this client is full (QueueLimit {Options.QueueLimit}). " +
            $"Retry in about {retryAfter.TotalSeconds:0.#} s, or raise the Limits:{limitName} or Limits:QueueLimit setting of this provider.",
            LlmErrorKind.RateLimited,
            _provider)
        {
            RetryAfter = retryAfter,
            ErrorCode = "local_queue_full",
        };
    }

    private TimeSpan AverageDuration()
    {
        var count = Interlocked.Read(ref _completedRequests);
        return count == 0 ? DefaultRetryHint : TimeSpan.FromTicks(Interlocked.Read(ref _completedTicks) / count);
    }

    private void Record(long started)
    {
        _ = Interlocked.Add(ref _completedTicks, Stopwatch.GetElapsedTime(started).Ticks);
        _ = Interlocked.Increment(ref _completedRequests);
    }

    /// <summary>The leases one request holds, released together.</summary>
    private sealed class LeaseSet : IDisposable
    {
        private readonly List<RateLimitLease> _leases = new(3);

        public void Add(RateLimitLease lease) => _leases.Add(lease);

        public void Dispose()
        {
            foreach (var lease in _leases)
            {
                lease.Dispose();
            }

            _leases.Clear();
        }
    }
}
