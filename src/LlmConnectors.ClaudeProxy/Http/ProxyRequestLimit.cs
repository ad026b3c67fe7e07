using System.Net;
using LlmConnectors.ClaudeProxy.Configuration;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace LlmConnectors.ClaudeProxy.Http;

/// <summary>
/// The proxy's request queue: the library's <see cref="ConcurrencyLimitingChatClient"/> around the served chat client. The proxy's
/// settings map onto it one to one: <c>ClaudeProxy:MaxConcurrentRequests</c> is its <see cref="ChatRequestLimitOptions.MaxConcurrentRequests"/>,
/// <c>QueueLimit</c> its <see cref="ChatRequestLimitOptions.QueueLimit"/>, <c>QueueFullRetryAfter</c> its
/// <see cref="ChatRequestLimitOptions.QueueFullRetryAfter"/> (the floor of the <c>Retry-After</c> estimated from recent request
/// durations, which the proxy caps at <c>RequestTimeout</c>). A full queue is answered 429 <c>queue_full</c>; once the host begins
/// shutting down, the limiter rejects the waiting requests and they are answered 503 <c>shutting_down</c> at once.
/// </summary>
internal static class ProxyRequestLimit
{
    /// <summary>The <c>Retry-After</c> of a request refused because the proxy is shutting down: about the time a restart takes.</summary>
    private static readonly TimeSpan ShuttingDownRetryAfter = TimeSpan.FromSeconds(5);

    /// <summary>Creates the limiter around the served chat client and ties it to the host's shutdown.</summary>
    /// <param name="services">The application services.</param>
    /// <returns>The limiter the chat completions handler calls.</returns>
    public static ConcurrencyLimitingChatClient Create(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.GetRequiredService<IOptions<ClaudeProxyOptions>>().Value;

        // No logger: the proxy logs queue-full and shutdown answers itself, per request, with the request id.
        var limiter = new ConcurrencyLimitingChatClient(
            services.GetRequiredService<IChatClient>(),
            new ChatRequestLimitOptions
            {
                MaxConcurrentRequests = options.MaxConcurrentRequests,
                QueueLimit = options.QueueLimit,
                QueueFullRetryAfter = options.QueueFullRetryAfter,
            })
        {
            CreateRejection = rejection => new ProxyRejectedException(rejection.ShuttingDown
                ? new ProxyError(
                    HttpStatusCode.ServiceUnavailable,
                    "The proxy is shutting down and did not start this request; retry after the Retry-After delay.",
                    "api_error",
                    Code: "shutting_down") { RetryAfter = ShuttingDownRetryAfter, CloseConnection = true }
                : new ProxyError(
                    HttpStatusCode.TooManyRequests,
                    $"The proxy is serving {options.MaxConcurrentRequests} requests and {options.QueueLimit} more are waiting; retry after the Retry-After delay.",
                    "rate_limit_error",
                    Code: "queue_full") { RetryAfter = Min(rejection.RetryAfter ?? options.QueueFullRetryAfter, Max(options.QueueFullRetryAfter, options.RequestTimeout)) }),
        };
        _ = services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(limiter.RejectWaitingRequests);
        return limiter;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
