using LlmConnectors.ClaudeProxy.Configuration;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LlmConnectors.ClaudeProxy.Replicas;

/// <summary>
/// The one Redis connection of a replica (<c>ClaudeProxy:Redis</c>), shared by the response cache and the rate limit, opened at first
/// use. A Redis that is down does not stop the replica: StackExchange.Redis keeps reconnecting in the background
/// (<c>abortConnect=false</c>), the cache answers misses meanwhile, and the rate limit refuses with 503 (see <see cref="SharedRateLimit"/>).
/// </summary>
internal sealed class SharedRedis(IOptions<ClaudeProxyOptions> options) : IDisposable
{
    /// <summary>The prefix of the proxy's part of every key it writes (the rate limiter puts its own <c>rl:</c> prefix before it), so that one Redis can serve other programs too.</summary>
    public const string KeyPrefix = "llmc-proxy:";

    private readonly Lazy<ConnectionMultiplexer> _connection = new(() =>
    {
        var configuration = ConfigurationOptions.Parse(options.Value.Redis ?? throw new InvalidOperationException($"{ClaudeProxyOptions.SectionName}:Redis is not set."));
        configuration.AbortOnConnectFail = false;
        configuration.ClientName ??= "llmc-proxy";
        return ConnectionMultiplexer.Connect(configuration);
    });

    /// <summary>Gets the connection, opening it on first use.</summary>
    public IConnectionMultiplexer Connection => _connection.Value;

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_connection.IsValueCreated)
        {
            _connection.Value.Dispose();
        }
    }
}
