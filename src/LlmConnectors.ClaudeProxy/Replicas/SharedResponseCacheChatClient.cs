using System.Text;
using LlmConnectors.ClaudeProxy.Configuration;
using LlmConnectors.ClaudeProxy.Telemetry;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.Distributed;

namespace LlmConnectors.ClaudeProxy.Replicas;

/// <summary>
/// MEAI's <see cref="DistributedCachingChatClient"/> as the proxy's replicas share it in Redis, through the hooks MEAI's
/// <see cref="CachingChatClient"/> offers for this: <see cref="EnableCaching"/> decides which requests are safe to cache,
/// <see cref="GetCacheKey"/> adds the caller's partition and what MEAI leaves out of the key, and the reads report a hit or a miss in
/// the <see cref="HeaderName"/> response header. (<c>UseDistributedCache</c> builds the base class, whose key cannot vary per request.)
/// </summary>
/// <remarks>
/// Cached: non-streamed and streamed answers (a streamed one is stored coalesced and replayed as a stream; the two are cached
/// apart) of requests with <c>temperature: 0</c>, or of every request when <c>ClaudeProxy:ResponseCache:CacheSampledRequests</c>
/// is set. A request whose answer failed, or whose stream the client left, stores nothing.
/// </remarks>
internal sealed class SharedResponseCacheChatClient : DistributedCachingChatClient
{
    /// <summary>The response header saying where the answer came from: <c>hit</c> (the cache), <c>miss</c> (the model, now cached) or <c>bypass</c> (the model; not cacheable).</summary>
    public const string HeaderName = "X-ClaudeProxy-Cache";

    /// <summary>The version of the proxy's cache key layout, changed when the key's parts change so that old entries stop matching.</summary>
    private const string KeyLayout = "llmc-proxy-cache-1";

    private readonly IHttpContextAccessor _http;
    private readonly ProxyResponseCacheOptions _options;
    private readonly ProxyTelemetry _telemetry;

    /// <summary>Initializes a new instance of the <see cref="SharedResponseCacheChatClient"/> class.</summary>
    /// <param name="innerClient">The served client.</param>
    /// <param name="storage">The shared cache.</param>
    /// <param name="http">Gives the current request (its caller, its response headers).</param>
    /// <param name="options">The cache settings.</param>
    /// <param name="telemetry">Counts hits, misses and bypasses.</param>
    public SharedResponseCacheChatClient(IChatClient innerClient, IDistributedCache storage, IHttpContextAccessor http, ProxyResponseCacheOptions options, ProxyTelemetry telemetry)
        : base(innerClient, storage)
    {
        _http = http;
        _options = options;
        _telemetry = telemetry;
    }

    /// <inheritdoc/>
    protected override bool EnableCaching(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        // A sampled answer (no temperature, or one above 0) is one draw among many: serving it again would answer "give me another"
        // with the same text. temperature 0 says the caller wants the same answer each time, which a cache can give.
        var enabled = base.EnableCaching(messages, options) && (_options.CacheSampledRequests || options?.Temperature == 0);
        if (!enabled)
        {
            Report("bypass");
        }

        return enabled;
    }

    /// <inheritdoc/>
    protected override string GetCacheKey(IEnumerable<ChatMessage> messages, ChatOptions? options, params ReadOnlySpan<object?> additionalValues)
    {
        var partition = _options.ShareAcrossApiKeys ? "shared" : "caller:" + (_http.HttpContext is { } context ? CallerPartition.Get(context) : "none");
        return base.GetCacheKey(messages, options, [.. additionalValues, KeyLayout, partition, DescribeTools(options)]);
    }

    /// <inheritdoc/>
    protected override async Task<ChatResponse?> ReadCacheAsync(string key, CancellationToken cancellationToken)
    {
        var cached = await base.ReadCacheAsync(key, cancellationToken);
        Report(cached is null ? "miss" : "hit");
        return cached;
    }

    /// <inheritdoc/>
    protected override async Task<IReadOnlyList<ChatResponseUpdate>?> ReadCacheStreamingAsync(string key, CancellationToken cancellationToken)
    {
        var cached = await base.ReadCacheStreamingAsync(key, cancellationToken);
        Report(cached is null ? "miss" : "hit");
        return cached;
    }

    /// <summary>
    /// Describes the offered functions, the tool mode and the response format for the key: the functions are not serialized with
    /// <see cref="ChatOptions"/>, and two requests that offer different functions must never share an answer.
    /// </summary>
    private static string DescribeTools(ChatOptions? options)
    {
        var description = new StringBuilder();
        foreach (var tool in options?.Tools ?? [])
        {
            description.Append(tool.Name).Append('\n').Append(tool.Description).Append('\n');
            if (tool is AIFunctionDeclaration function)
            {
                description.Append(function.JsonSchema.GetRawText()).Append('\n');
            }
        }

        description.Append(options?.ToolMode switch
        {
            RequiredChatToolMode required => "required:" + required.RequiredFunctionName,
            NoneChatToolMode => "none",
            null => string.Empty,
            _ => "auto",
        });
        if (options?.ResponseFormat is ChatResponseFormatJson json)
        {
            description.Append("\njson:").Append(json.SchemaName).Append(':').Append(json.Schema?.GetRawText());
        }

        return description.ToString();
    }

    private void Report(string outcome)
    {
        _telemetry.RecordResponseCache(outcome);
        if (_http.HttpContext?.Response is { HasStarted: false } response)
        {
            response.Headers[HeaderName] = outcome;
        }
    }
}
