using System.Threading.RateLimiting;
using LlmConnectors.ClaudeProxy.Configuration;
using Microsoft.Extensions.Options;

namespace LlmConnectors.ClaudeProxy.Http;

/// <summary>Bounds how many chat requests run at once and how many wait; a request that finds the queue full is refused at once (429).</summary>
internal sealed class RequestGate(IOptions<ClaudeProxyOptions> options) : IDisposable
{
    private readonly ConcurrencyLimiter _limiter = new(new ConcurrencyLimiterOptions
    {
        PermitLimit = options.Value.MaxConcurrentRequests,
        QueueLimit = options.Value.QueueLimit,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    });

    /// <summary>Waits for a slot.</summary>
    /// <param name="cancellationToken">The request's token (client disconnect, timeout).</param>
    /// <returns>The lease: <see cref="RateLimitLease.IsAcquired"/> is <see langword="false"/> when the queue is full.</returns>
    public ValueTask<RateLimitLease> AcquireAsync(CancellationToken cancellationToken) => _limiter.AcquireAsync(1, cancellationToken);

    /// <inheritdoc/>
    public void Dispose() => _limiter.Dispose();
}
