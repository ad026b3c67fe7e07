using System.Diagnostics.Metrics;

namespace LlmConnectors.ClaudeProxy.Telemetry;

/// <summary>
/// The proxy's own signals: what only the proxy sees (requests it refused because its queue was full, other rejections, clients that
/// went away). The GenAI spans and metrics (<c>chat {model}</c>, <c>gen_ai.client.operation.duration</c>,
/// <c>gen_ai.client.token.usage</c>) come from Microsoft.Extensions.AI's <c>UseOpenTelemetry</c> in the served pipeline, under the same
/// source name. Subscribe with OpenTelemetry's <c>AddSource("LlmConnectors.ClaudeProxy")</c> and <c>AddMeter("LlmConnectors.ClaudeProxy")</c>.
/// </summary>
internal sealed class ProxyTelemetry : IDisposable
{
    /// <summary>The name of the meter, and of the source of the pipeline's GenAI spans.</summary>
    public const string SourceName = "LlmConnectors.ClaudeProxy";

    private readonly Meter _meter;
    private readonly Counter<long> _queueFull;
    private readonly Counter<long> _rejections;
    private readonly Counter<long> _disconnects;
    private readonly Counter<long> _responseCache;

    /// <summary>Initializes a new instance of the <see cref="ProxyTelemetry"/> class.</summary>
    /// <param name="meterFactory">The host's meter factory.</param>
    public ProxyTelemetry(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(SourceName);
        _queueFull = _meter.CreateCounter<long>("llmconnectors.proxy.queue_full", unit: "{request}", description: "Requests refused because every slot and queue place was taken.");
        _rejections = _meter.CreateCounter<long>("llmconnectors.proxy.rejections", unit: "{request}", description: "Requests answered with an error, by error type.");
        _disconnects = _meter.CreateCounter<long>("llmconnectors.proxy.disconnects", unit: "{request}", description: "Requests whose client went away before the answer ended.");
        _responseCache = _meter.CreateCounter<long>("llmconnectors.proxy.response_cache", unit: "{request}", description: "Chat requests by what the shared response cache did: hit, miss (asked the model, then cached) or bypass (not cacheable).");
    }

    /// <summary>Records how a chat request ended.</summary>
    /// <param name="errorType">The error's code or type, or <see langword="null"/> on success.</param>
    /// <param name="disconnected">Whether the client went away.</param>
    public void RecordOutcome(string? errorType, bool disconnected)
    {
        if (disconnected)
        {
            _disconnects.Add(1);
            return;
        }

        if (errorType is null)
        {
            return;
        }

        if (errorType == "queue_full")
        {
            _queueFull.Add(1);
        }

        _rejections.Add(1, new KeyValuePair<string, object?>("error.type", errorType));
    }

    /// <summary>Records what the shared response cache did for a chat request.</summary>
    /// <param name="result"><c>hit</c>, <c>miss</c> or <c>bypass</c>.</param>
    public void RecordResponseCache(string result) => _responseCache.Add(1, new KeyValuePair<string, object?>("llmconnectors.cache.result", result));

    /// <inheritdoc/>
    public void Dispose() => _meter.Dispose();
}
