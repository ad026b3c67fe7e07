using System.Net;
using Polly;
using Polly.Retry;

namespace LlmConnectors;

/// <summary>Builds the Polly v8 transport-retry pipeline shared by the leaf clients.</summary>
internal static class TransportRetryPipeline
{
    /// <summary>Creates the pipeline for the given settings; <see cref="ResiliencePipeline.Empty"/> when retries are off.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="timeProvider">The clock (tests pass a fake one); the system clock when <see langword="null"/>.</param>
    /// <param name="onRetry">Called before each retry, for logging.</param>
    /// <returns>The pipeline.</returns>
    public static ResiliencePipeline Create(TransportRetryOptions options, TimeProvider? timeProvider = null, Action<OnRetryArguments<object>>? onRetry = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Enabled || options.MaxRetryAttempts == 0)
        {
            return ResiliencePipeline.Empty;
        }

        var strategy = new RetryStrategyOptions
        {
            MaxRetryAttempts = options.MaxRetryAttempts,
            Delay = options.BaseDelay,
            MaxDelay = options.MaxDelay,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = options.UseJitter,
            // A provider that asks for a longer wait than MaxDelay gets no retry: the failure, with its RetryAfter, goes to the caller
            // at once rather than a retry sooner than the provider allows. Under a failover that will hand over, no retry at all
            // (FailoverAttemptScope says why).
            ShouldHandle = args => ValueTask.FromResult(
                !FailoverAttemptScope.SuppressesRetries &&
                args.Outcome.Exception is { } e && IsRetryable(e, args.Context.CancellationToken) && !(options.HonorRetryAfter && e is LlmConnectorException { RetryAfter: { } wait } && wait > options.MaxDelay)),
            DelayGenerator = args =>
            {
                if (options.HonorRetryAfter && args.Outcome.Exception is LlmConnectorException { RetryAfter: { } retryAfter })
                {
                    return ValueTask.FromResult<TimeSpan?>(retryAfter < TimeSpan.Zero ? TimeSpan.Zero : retryAfter);
                }

                return ValueTask.FromResult<TimeSpan?>(null);
            },
            OnRetry = args =>
            {
                onRetry?.Invoke(args);
                return default;
            },
        };

        var builder = new ResiliencePipelineBuilder { TimeProvider = timeProvider ?? TimeProvider.System };
        return builder.AddRetry(strategy).Build();
    }

    /// <summary>Tells whether an exception is a transport failure worth retrying.</summary>
    /// <param name="exception">The failure.</param>
    /// <param name="cancellationToken">The caller's token: a cancellation it requested is never retried.</param>
    /// <returns><see langword="true"/> for 408, 429, 502, 503, 504, 529 and network faults; <see langword="false"/> for the client's own request timeout.</returns>
    public static bool IsRetryable(Exception exception, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return false;
        }

        return exception switch
        {
            LlmConnectorException e => e.StatusCode switch
            {
                HttpStatusCode.Unauthorized or HttpStatusCode.PaymentRequired or HttpStatusCode.Forbidden => false,
                HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway
                    or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout or (HttpStatusCode)529 => true,
                // No status: a local failure. A local timeout is the caller's own bound on the request; retrying it would
                // multiply that bound, so it is not retried (a 408 or 504 from the provider is).
                null => e.Kind is LlmErrorKind.Network or LlmErrorKind.RateLimited or LlmErrorKind.Unavailable,
                _ => false,
            },
            HttpRequestException => true,
            TimeoutException => true,
            OperationCanceledException => false,
            _ => false,
        };
    }
}
