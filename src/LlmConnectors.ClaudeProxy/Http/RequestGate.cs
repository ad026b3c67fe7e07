using System.Threading.RateLimiting;
using LlmConnectors.ClaudeProxy.Configuration;
using Microsoft.Extensions.Options;

namespace LlmConnectors.ClaudeProxy.Http;

/// <summary>
/// Bounds how many chat requests run at once and how many wait; a request that finds the queue full is refused at once (429), and
/// requests still waiting when the proxy begins shutting down are released at once (the handler answers them 503) instead of waiting
/// out the shutdown timeout and then losing their connection. It also keeps the average duration of recent requests, from which the
/// queue-full <c>Retry-After</c> is estimated.
/// </summary>
internal sealed class RequestGate : IDisposable
{
    /// <summary>The weight of the newest request in the running average of request durations.</summary>
    private const double AverageWeight = 0.2;

    private readonly ConcurrencyLimiter _limiter;
    private readonly ClaudeProxyOptions _options;
    private readonly CancellationToken _stopping;
    private readonly Lock _averageLock = new();
    private TimeSpan? _averageDuration;

    /// <summary>Initializes a new instance of the <see cref="RequestGate"/> class.</summary>
    /// <param name="options">The proxy's settings (concurrency, queue, Retry-After floor).</param>
    /// <param name="lifetime">The host's lifetime, whose stopping token releases the waiting requests.</param>
    public RequestGate(IOptions<ClaudeProxyOptions> options, IHostApplicationLifetime lifetime)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(lifetime);
        _options = options.Value;
        _stopping = lifetime.ApplicationStopping;
        _limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = _options.MaxConcurrentRequests,
            QueueLimit = _options.QueueLimit,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    /// <summary>Gets the number of requests being served.</summary>
    public int ActiveCount => _options.MaxConcurrentRequests - (int)(_limiter.GetStatistics()?.CurrentAvailablePermits ?? _options.MaxConcurrentRequests);

    /// <summary>Gets the number of requests waiting for a slot.</summary>
    public int QueuedCount => (int)(_limiter.GetStatistics()?.CurrentQueuedCount ?? 0);

    /// <summary>Gets a value indicating whether the proxy has begun shutting down.</summary>
    public bool IsStopping => _stopping.IsCancellationRequested;

    /// <summary>
    /// Gets the <c>Retry-After</c> for a request refused because the queue is full: how long a slot takes to free on average (the
    /// running average of request durations divided by the number of slots), never less than <c>ClaudeProxy:QueueFullRetryAfter</c>
    /// and never more than <c>ClaudeProxy:RequestTimeout</c>.
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

            var estimate = average is { } a ? a / _options.MaxConcurrentRequests : TimeSpan.Zero;
            return TimeSpan.FromTicks(Math.Clamp(estimate.Ticks, _options.QueueFullRetryAfter.Ticks, Math.Max(_options.QueueFullRetryAfter.Ticks, _options.RequestTimeout.Ticks)));
        }
    }

    /// <summary>Waits for a slot.</summary>
    /// <param name="cancellationToken">The request's token (client disconnect, timeout).</param>
    /// <returns>The lease: <see cref="RateLimitLease.IsAcquired"/> is <see langword="false"/> when the queue is full.</returns>
    /// <exception cref="OperationCanceledException">The request was cancelled, or the proxy began shutting down (<see cref="IsStopping"/>) before a slot was free.</exception>
    public async ValueTask<RateLimitLease> AcquireAsync(CancellationToken cancellationToken)
    {
        _stopping.ThrowIfCancellationRequested();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping);
        return await _limiter.AcquireAsync(1, linked.Token);
    }

    /// <summary>Adds the duration of a served request (slot taken to slot freed) to the running average.</summary>
    /// <param name="duration">How long the request held its slot.</param>
    public void RecordDuration(TimeSpan duration)
    {
        lock (_averageLock)
        {
            _averageDuration = _averageDuration is { } average ? (average * (1 - AverageWeight)) + (duration * AverageWeight) : duration;
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _limiter.Dispose();
}
