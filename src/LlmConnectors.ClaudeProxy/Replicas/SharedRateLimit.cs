using System.Net;
using System.Threading.RateLimiting;
using LlmConnectors.ClaudeProxy.Configuration;
using LlmConnectors.ClaudeProxy.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using RedisRateLimiting;
using StackExchange.Redis;

namespace LlmConnectors.ClaudeProxy.Replicas;

/// <summary>
/// The per-caller request limit replicas share (<c>ClaudeProxy:RateLimit</c>): an ASP.NET Core rate-limiter policy on
/// <c>POST /v1/chat/completions</c>, one partition per API key (<see cref="CallerPartition"/>), each a RedisRateLimiting sliding
/// window counted in Redis, so that the limit holds for all replicas together.
/// </summary>
/// <remarks>
/// Why here and not in the pack's <c>ConcurrencyLimitingChatClient</c>: that client limits what one process sends to one provider
/// (slots, queue, per-minute budget of a provider account), and each replica keeps its own slots for its own CLI processes. A limit
/// replicas share is a quota on callers, and the caller (its API key) is known at the HTTP edge, before the body is even read; a
/// refused request then costs neither parsing nor a slot. It runs after the API key check, so unauthenticated requests count for no one.
/// The partition comes from the RedisRateLimiting package itself (<see cref="RedisRateLimitPartition"/>); RedisRateLimiting.AspNetCore
/// adds only policy-wide limits and a rejection writer with its own headers and no body, where the proxy answers in OpenAI's shape.
/// </remarks>
internal static class SharedRateLimit
{
    /// <summary>The name of the rate-limiter policy on the chat endpoint.</summary>
    public const string PolicyName = "llmc-proxy-shared-requests";

    /// <summary>Registers the policy (its limits read from the options when the first request comes).</summary>
    /// <param name="services">The services.</param>
    public static void AddTo(IServiceCollection services)
    {
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<ClaudeProxyOptions>, SharedRedis>((limiter, proxy, redis) =>
        {
            var limit = proxy.Value.RateLimit;
            limiter.AddPolicy(PolicyName, context =>
            {
                if (limit.RequestsPerWindow is not { } permits)
                {
                    return RateLimitPartition.GetNoLimiter(string.Empty);
                }

                // Asked per request: while Redis is down every request is refused at once instead of waiting out a Redis timeout.
                var connection = Connected(redis);
                return RedisRateLimitPartition.GetSlidingWindowRateLimiter(
                    SharedRedis.KeyPrefix + "requests:" + CallerPartition.Get(context),
                    _ => new RedisSlidingWindowRateLimiterOptions { ConnectionMultiplexerFactory = () => connection, PermitLimit = permits, Window = limit.Window });
            });
            limiter.OnRejected = (rejection, _) => RejectAsync(rejection.HttpContext, rejection.Lease, limit);
        });
    }

    /// <summary>
    /// The connection, or a <see cref="RedisConnectionException"/> at once while it is down (answered 503 by the proxy), rather than a
    /// wait for the Redis timeout on every request.
    /// </summary>
    private static IConnectionMultiplexer Connected(SharedRedis redis) =>
        redis.Connection is { IsConnected: true } connection
            ? connection
            : throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, "Redis (ClaudeProxy:Redis) is not connected; StackExchange.Redis keeps reconnecting.");

    /// <summary>Answers a refused request: 429 <c>rate_limit_error</c> with an OpenAI error body and <c>Retry-After</c>.</summary>
    private static async ValueTask RejectAsync(HttpContext context, RateLimitLease lease, ProxyRateLimitOptions limit)
    {
        var retryAfter = RetryAfter(lease, limit.Window);
        var permits = limit.RequestsPerWindow ?? 0;
        context.RequestServices.GetRequiredService<Telemetry.ProxyTelemetry>().RecordOutcome("rate_limit_exceeded", disconnected: false);
        ProxyReplicaLog.RateLimited(context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SharedRateLimit).FullName!), context.TraceIdentifier, permits, limit.Window, (long)Math.Ceiling(retryAfter.TotalSeconds));
        await new ProxyError(
            HttpStatusCode.TooManyRequests,
            $"Rate limit reached: this API key may send {permits} chat requests per {limit.Window.TotalSeconds:0} s to this proxy, all replicas together (ClaudeProxy:RateLimit); retry after the Retry-After delay.",
            "rate_limit_error",
            Code: "rate_limit_exceeded") { RetryAfter = retryAfter }.WriteResponseAsync(context);
    }

    /// <summary>
    /// When to retry: the lease's own hint (RedisRateLimiting's <c>RATELIMIT_RETRYAFTER</c> seconds, or System.Threading.RateLimiting's
    /// <see cref="MetadataName.RetryAfter"/>) when it gives one; otherwise the whole window, after which the oldest counted request has
    /// surely left it.
    /// </summary>
    private static TimeSpan RetryAfter(RateLimitLease lease, TimeSpan window)
    {
        var hint = lease.TryGetMetadata(RateLimitMetadataName.RetryAfter, out var seconds)
            ? TimeSpan.FromSeconds(seconds)
            : lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.Zero;
        return hint > TimeSpan.Zero ? hint : window;
    }
}
