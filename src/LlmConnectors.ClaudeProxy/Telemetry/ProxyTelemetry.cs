using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.AI;

namespace LlmConnectors.ClaudeProxy.Telemetry;

/// <summary>
/// The proxy's OpenTelemetry signals, following the GenAI semantic conventions: one <c>chat {model}</c> span per request and the
/// <c>gen_ai.client.operation.duration</c> and <c>gen_ai.client.token.usage</c> histograms. Subscribe with OpenTelemetry's
/// <c>AddSource("LlmConnectors.ClaudeProxy")</c> and <c>AddMeter("LlmConnectors.ClaudeProxy")</c>, or <c>dotnet-counters</c>.
/// </summary>
internal sealed class ProxyTelemetry : IDisposable
{
    /// <summary>The name of the <see cref="ActivitySource"/> and the <see cref="Meter"/>.</summary>
    public const string SourceName = "LlmConnectors.ClaudeProxy";

    private readonly Meter _meter;
    private readonly Histogram<double> _operationDuration;
    private readonly Histogram<long> _tokenUsage;
    private readonly Histogram<double> _timeToFirstChunk;

    /// <summary>Initializes a new instance of the <see cref="ProxyTelemetry"/> class.</summary>
    /// <param name="meterFactory">The host's meter factory.</param>
    public ProxyTelemetry(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(SourceName);
        _operationDuration = _meter.CreateHistogram<double>(
            "gen_ai.client.operation.duration",
            unit: "s",
            description: "GenAI operation duration.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92] });
        _tokenUsage = _meter.CreateHistogram<long>(
            "gen_ai.client.token.usage",
            unit: "{token}",
            description: "Measures number of input and output tokens used.",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304] });
        _timeToFirstChunk = _meter.CreateHistogram<double>(
            "gen_ai.server.time_to_first_token",
            unit: "s",
            description: "Time to generate the first token for successful streamed responses.");
    }

    /// <summary>Gets the source of the proxy's spans.</summary>
    public static ActivitySource ActivitySource { get; } = new(SourceName);

    /// <summary>Starts the span of one chat request.</summary>
    /// <param name="requestedModel">The model the client asked for.</param>
    /// <param name="stream">Whether the response is streamed.</param>
    /// <param name="maxTokens">The output token limit, if any.</param>
    /// <returns>The span, or <see langword="null"/> when nobody listens.</returns>
    public static Activity? StartChat(string requestedModel, bool stream, int? maxTokens)
    {
        var activity = ActivitySource.StartActivity($"chat {requestedModel}", ActivityKind.Server);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("gen_ai.operation.name", "chat");
            activity.SetTag("gen_ai.provider.name", "anthropic");
            activity.SetTag("gen_ai.request.model", requestedModel);
            activity.SetTag("gen_ai.request.stream", stream);
            if (maxTokens is { } max)
            {
                activity.SetTag("gen_ai.request.max_tokens", max);
            }
        }

        return activity;
    }

    /// <summary>Records the end of a chat request on its span and in the metrics.</summary>
    /// <param name="activity">The span from <see cref="StartChat"/>.</param>
    /// <param name="requestedModel">The model the client asked for.</param>
    /// <param name="responseModel">The model that answered, when known.</param>
    /// <param name="responseId">The response id, when known.</param>
    /// <param name="finishReason">The finish reason, when known.</param>
    /// <param name="usage">The token counts, when known.</param>
    /// <param name="elapsed">The duration of the request.</param>
    /// <param name="errorType">The error's type (an OpenAI error code or an exception type), or <see langword="null"/> on success.</param>
    public void RecordChat(Activity? activity, string requestedModel, string? responseModel, string? responseId, string? finishReason, UsageDetails? usage, TimeSpan elapsed, string? errorType)
    {
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("gen_ai.response.model", responseModel);
            activity.SetTag("gen_ai.response.id", responseId);
            if (finishReason is not null)
            {
                activity.SetTag("gen_ai.response.finish_reasons", new[] { finishReason });
            }

            if (usage?.InputTokenCount is { } input)
            {
                activity.SetTag("gen_ai.usage.input_tokens", input);
            }

            if (usage?.OutputTokenCount is { } output)
            {
                activity.SetTag("gen_ai.usage.output_tokens", output);
            }

            if (errorType is not null)
            {
                activity.SetTag("error.type", errorType);
                activity.SetStatus(ActivityStatusCode.Error, errorType);
            }
        }

        var tags = new TagList
        {
            { "gen_ai.operation.name", "chat" },
            { "gen_ai.provider.name", "anthropic" },
            { "gen_ai.request.model", requestedModel },
        };
        if (responseModel is not null)
        {
            tags.Add("gen_ai.response.model", responseModel);
        }

        if (_tokenUsage.Enabled && errorType is null)
        {
            if (usage?.InputTokenCount is { } input)
            {
                var inputTags = tags;
                inputTags.Add("gen_ai.token.type", "input");
                _tokenUsage.Record(input, inputTags);
            }

            if (usage?.OutputTokenCount is { } output)
            {
                var outputTags = tags;
                outputTags.Add("gen_ai.token.type", "output");
                _tokenUsage.Record(output, outputTags);
            }
        }

        if (errorType is not null)
        {
            tags.Add("error.type", errorType);
        }

        _operationDuration.Record(elapsed.TotalSeconds, tags);
    }

    /// <summary>Records the time from the start of a streamed request to its first content chunk.</summary>
    /// <param name="requestedModel">The model the client asked for.</param>
    /// <param name="elapsed">The time to the first chunk.</param>
    public void RecordTimeToFirstChunk(string requestedModel, TimeSpan elapsed) =>
        _timeToFirstChunk.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("gen_ai.operation.name", "chat"), new KeyValuePair<string, object?>("gen_ai.request.model", requestedModel));

    /// <inheritdoc/>
    public void Dispose() => _meter.Dispose();
}
