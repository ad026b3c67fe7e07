using System.ClientModel.Primitives;
using System.Globalization;

namespace LlmConnectors;

/// <summary>
/// The OpenAI SDK's own retry policy (System.ClientModel's <see cref="ClientRetryPolicy"/>: 408, 429, 500, 502, 503, 504 and network
/// faults) configured from the pack's <see cref="TransportRetryOptions"/>: the attempts, the exponential delays from
/// <see cref="TransportRetryOptions.BaseDelay"/>, jitter, and <c>Retry-After</c> bounded by <see cref="TransportRetryOptions.MaxDelay"/>.
/// It replaces the SDK's default policy, so there is one retry loop, not two. Under a failover that will hand over
/// (<see cref="FailoverAttemptScope"/>) it makes a single try.
/// </summary>
internal sealed class TransportRetryClientPolicy : ClientRetryPolicy
{
    private readonly TransportRetryOptions _options;

    /// <summary>Initializes a new instance of the <see cref="TransportRetryClientPolicy"/> class.</summary>
    /// <param name="options">The settings.</param>
    public TransportRetryClientPolicy(TransportRetryOptions options)
        : base(options.Enabled ? options.MaxRetryAttempts : 0)
    {
        _options = options;
    }

    /// <inheritdoc/>
    protected override bool ShouldRetry(PipelineMessage message, Exception? exception) =>
        !FailoverAttemptScope.SuppressesRetries && base.ShouldRetry(message, exception);

    /// <inheritdoc/>
    protected override ValueTask<bool> ShouldRetryAsync(PipelineMessage message, Exception? exception) =>
        FailoverAttemptScope.SuppressesRetries ? ValueTask.FromResult(false) : base.ShouldRetryAsync(message, exception);

    /// <inheritdoc/>
    protected override TimeSpan GetNextDelay(PipelineMessage message, int tryCount)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (_options.HonorRetryAfter && RetryAfterOf(message.Response) is { } retryAfter)
        {
            return retryAfter < TimeSpan.Zero ? TimeSpan.Zero : retryAfter > _options.MaxDelay ? _options.MaxDelay : retryAfter;
        }

        var exponent = Math.Clamp(tryCount - 1, 0, 30);
        var delay = _options.BaseDelay.TotalMilliseconds * Math.Pow(2, exponent);
        if (_options.UseJitter)
        {
#pragma warning disable CA5394 // Jitter spreads retries; it is not security-sensitive.
            delay *= 0.5 + Random.Shared.NextDouble();
#pragma warning restore CA5394
        }

        return TimeSpan.FromMilliseconds(Math.Min(delay, _options.MaxDelay.TotalMilliseconds));
    }

    private static TimeSpan? RetryAfterOf(PipelineResponse? response)
    {
        if (response is null)
        {
            return null;
        }

        if (response.Headers.TryGetValue("retry-after-ms", out var milliseconds) &&
            double.TryParse(milliseconds, NumberStyles.Float, CultureInfo.InvariantCulture, out var ms))
        {
            return TimeSpan.FromMilliseconds(ms);
        }

        if (response.Headers.TryGetValue("Retry-After", out var value) && value is not null)
        {
            if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
            {
                return TimeSpan.FromSeconds(seconds);
            }

            if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
            {
                return date - DateTimeOffset.UtcNow;
            }
        }

        return null;
    }
}
