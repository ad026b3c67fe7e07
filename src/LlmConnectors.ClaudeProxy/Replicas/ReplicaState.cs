using LlmConnectors.ClaudeProxy.Configuration;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LlmConnectors.ClaudeProxy.Replicas;

/// <summary>
/// What several replicas of the proxy share through Redis (<c>ClaudeProxy:Redis</c>): the response cache
/// (<c>ClaudeProxy:ResponseCache</c>) and the per-caller rate limit (<c>ClaudeProxy:RateLimit</c>). Everything else a replica holds is
/// its own and optional: its queue, its warm and parked CLI processes.
/// </summary>
internal static class ReplicaState
{
    /// <summary>Registers the Redis connection and the rate-limiter policy.</summary>
    /// <param name="services">The services.</param>
    public static void AddTo(IServiceCollection services)
    {
        services.AddSingleton<SharedRedis>();
        services.AddHttpContextAccessor();
        SharedRateLimit.AddTo(services);
    }

    /// <summary>Adds the rate limiter to the pipeline when a limit is configured. Call after the API key check.</summary>
    /// <param name="app">The application.</param>
    public static void UseSharedRateLimit(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (IsRateLimited(app))
        {
            app.UseRateLimiter();
        }
    }

    /// <summary>Opens the Redis connection as soon as the proxy listens, so that the first request does not wait for it.</summary>
    /// <param name="services">The application services.</param>
    public static void Connect(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.GetRequiredService<IOptions<ClaudeProxyOptions>>().Value;
        if (options.Redis is not null && (options.ResponseCache.Enabled || options.RateLimit.RequestsPerWindow is not null))
        {
            var redis = services.GetRequiredService<SharedRedis>();
            _ = Task.Run(() => redis.Connection);
        }
    }

    /// <summary>Puts an endpoint under the shared rate limit when one is configured.</summary>
    /// <param name="endpoint">The endpoint.</param>
    /// <param name="app">The application.</param>
    public static void LimitShared(IEndpointConventionBuilder endpoint, WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (IsRateLimited(app))
        {
            endpoint.RequireRateLimiting(SharedRateLimit.PolicyName);
        }
    }

    /// <summary>Puts the shared response cache in front of the served client when <c>ClaudeProxy:ResponseCache:Enabled</c> is set.</summary>
    /// <param name="services">The application services.</param>
    /// <param name="served">The client the proxy serves (the default pipeline or the host's own).</param>
    /// <returns>The client the chat endpoint calls.</returns>
    public static IChatClient WithResponseCache(IServiceProvider services, IChatClient served)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.GetRequiredService<IOptions<ClaudeProxyOptions>>().Value;
        if (!options.ResponseCache.Enabled)
        {
            return served;
        }

        var redis = services.GetRequiredService<SharedRedis>();
        var cache = new RedisCache(Options.Create(new RedisCacheOptions
        {
            ConnectionMultiplexerFactory = () => Task.FromResult<IConnectionMultiplexer>(redis.Connection),
            InstanceName = SharedRedis.KeyPrefix + "cache:",
        }));
        var store = new ResponseCacheStore(cache, options.ResponseCache.Expiration, () => redis.Connection.IsConnected, services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ResponseCacheStore).FullName!));
        return new SharedResponseCacheChatClient(served, store, services.GetRequiredService<IHttpContextAccessor>(), options.ResponseCache, services.GetRequiredService<Telemetry.ProxyTelemetry>());
    }

    private static bool IsRateLimited(WebApplication app) => app.Services.GetRequiredService<IOptions<ClaudeProxyOptions>>().Value.RateLimit.RequestsPerWindow is not null;
}
