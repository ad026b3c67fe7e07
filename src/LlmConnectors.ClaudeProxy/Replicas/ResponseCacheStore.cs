using LlmConnectors.ClaudeProxy.Telemetry;
using Microsoft.Extensions.Caching.Distributed;
using StackExchange.Redis;

namespace LlmConnectors.ClaudeProxy.Replicas;

/// <summary>
/// The Redis cache as the response cache uses it. MEAI's <c>DistributedCachingChatClient</c> stores entries without options, so the
/// expiry (<c>ClaudeProxy:ResponseCache:Expiration</c>) is added here; and a cache is an optimization, so a Redis that cannot be
/// reached makes a read a miss and a write a no-op (one Warning line each), never a failed request. While the connection is down the
/// store does not even try (<paramref name="isConnected"/>), so that requests do not wait out Redis timeouts one by one.
/// </summary>
internal sealed class ResponseCacheStore(IDistributedCache inner, TimeSpan expiration, Func<bool> isConnected, ILogger logger) : IDistributedCache
{
    private const string NotConnected = "not connected; StackExchange.Redis keeps reconnecting";

    /// <inheritdoc/>
    public byte[]? Get(string key)
    {
        if (!isConnected())
        {
            ProxyReplicaLog.CacheUnavailable(logger, "read", NotConnected);
            return null;
        }

        try
        {
            return inner.Get(key);
        }
        catch (Exception e) when (IsRedisFailure(e))
        {
            ProxyReplicaLog.CacheUnavailable(logger, "read", e.Message);
            return null;
        }
    }

    /// <inheritdoc/>
    public async Task<byte[]?> GetAsync(string key, CancellationToken token = default)
    {
        if (!isConnected())
        {
            ProxyReplicaLog.CacheUnavailable(logger, "read", NotConnected);
            return null;
        }

        try
        {
            return await inner.GetAsync(key, token);
        }
        catch (Exception e) when (IsRedisFailure(e))
        {
            ProxyReplicaLog.CacheUnavailable(logger, "read", e.Message);
            return null;
        }
    }

    /// <inheritdoc/>
    public void Set(string key, byte[] value, DistributedCacheEntryOptions options)
    {
        if (!isConnected())
        {
            ProxyReplicaLog.CacheUnavailable(logger, "write", NotConnected);
            return;
        }

        try
        {
            inner.Set(key, value, WithExpiry(options));
        }
        catch (Exception e) when (IsRedisFailure(e))
        {
            ProxyReplicaLog.CacheUnavailable(logger, "write", e.Message);
        }
    }

    /// <inheritdoc/>
    public async Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        if (!isConnected())
        {
            ProxyReplicaLog.CacheUnavailable(logger, "write", NotConnected);
            return;
        }

        try
        {
            await inner.SetAsync(key, value, WithExpiry(options), token);
        }
        catch (Exception e) when (IsRedisFailure(e))
        {
            ProxyReplicaLog.CacheUnavailable(logger, "write", e.Message);
        }
    }

    /// <inheritdoc/>
    public void Refresh(string key) => inner.Refresh(key);

    /// <inheritdoc/>
    public Task RefreshAsync(string key, CancellationToken token = default) => inner.RefreshAsync(key, token);

    /// <inheritdoc/>
    public void Remove(string key) => inner.Remove(key);

    /// <inheritdoc/>
    public Task RemoveAsync(string key, CancellationToken token = default) => inner.RemoveAsync(key, token);

    /// <summary>Tells whether an exception says that Redis could not be reached or did not answer in time.</summary>
    /// <param name="e">The exception.</param>
    /// <returns><see langword="true"/> for StackExchange.Redis connection, server and timeout errors.</returns>
    internal static bool IsRedisFailure(Exception e) => e is RedisException or RedisTimeoutException;

    private DistributedCacheEntryOptions WithExpiry(DistributedCacheEntryOptions options) =>
        options.AbsoluteExpiration is null && options.AbsoluteExpirationRelativeToNow is null && options.SlidingExpiration is null
            ? new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = expiration }
            : options;
}
