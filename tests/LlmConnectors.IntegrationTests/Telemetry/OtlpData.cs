using System.Globalization;

namespace LlmConnectors.IntegrationTests.Telemetry;

/// <summary>A span as OTLP carries it: its instrumentation scope, name, attributes and the attributes of its resource.</summary>
internal sealed record OtlpSpan(string Scope, string Name, string TraceId, IReadOnlyDictionary<string, object?> Attributes, IReadOnlyDictionary<string, object?> Resource);

/// <summary>A metric as OTLP carries it (its name and scope; the data points are not read).</summary>
internal sealed record OtlpMetric(string Scope, string Name, string? Unit);

/// <summary>A log record as OTLP carries it: its scope (the logger's category), severity text, body and attributes.</summary>
internal sealed record OtlpLogRecord(string Scope, string? Severity, object? Body, IReadOnlyDictionary<string, object?> Attributes);

/// <summary>
/// Reads the OTLP/HTTP protobuf requests (opentelemetry/proto/collector/*/v1: ExportTraceServiceRequest, ExportMetricsServiceRequest,
/// ExportLogsServiceRequest) by field number, as the .proto files number them.
/// </summary>
internal static class OtlpData
{
    public static IEnumerable<OtlpSpan> Spans(byte[] exportTraceServiceRequest)
    {
        // ExportTraceServiceRequest.resource_spans = 1; ResourceSpans.resource = 1, .scope_spans = 2; ScopeSpans.scope = 1, .spans = 2;
        // Span.trace_id = 1, .name = 5, .attributes = 9.
        foreach (var resourceSpans in ProtobufMessage.Parse(exportTraceServiceRequest).Messages(1))
        {
            var resource = Attributes(resourceSpans.Message(1), 1);
            foreach (var scopeSpans in resourceSpans.Messages(2))
            {
                var scope = ScopeName(scopeSpans);
                foreach (var span in scopeSpans.Messages(2))
                {
                    yield return new OtlpSpan(scope, span.String(5) ?? "", Convert.ToHexStringLower(span.Bytes(1)?.ToByteArray() ?? []), Attributes(span, 9), resource);
                }
            }
        }
    }

    public static IEnumerable<OtlpMetric> Metrics(byte[] exportMetricsServiceRequest)
    {
        // ExportMetricsServiceRequest.resource_metrics = 1; ResourceMetrics.scope_metrics = 2; ScopeMetrics.scope = 1, .metrics = 2;
        // Metric.name = 1, .unit = 3.
        foreach (var resourceMetrics in ProtobufMessage.Parse(exportMetricsServiceRequest).Messages(1))
        {
            foreach (var scopeMetrics in resourceMetrics.Messages(2))
            {
                var scope = ScopeName(scopeMetrics);
                foreach (var metric in scopeMetrics.Messages(2))
                {
                    yield return new OtlpMetric(scope, metric.String(1) ?? "", metric.String(3));
                }
            }
        }
    }

    public static IEnumerable<OtlpLogRecord> Logs(byte[] exportLogsServiceRequest)
    {
        // ExportLogsServiceRequest.resource_logs = 1; ResourceLogs.scope_logs = 2; ScopeLogs.scope = 1, .log_records = 2;
        // LogRecord.severity_text = 3, .body = 5, .attributes = 6.
        foreach (var resourceLogs in ProtobufMessage.Parse(exportLogsServiceRequest).Messages(1))
        {
            foreach (var scopeLogs in resourceLogs.Messages(2))
            {
                var scope = ScopeName(scopeLogs);
                foreach (var record in scopeLogs.Messages(2))
                {
                    yield return new OtlpLogRecord(scope, record.String(3), Value(record.Message(5)), Attributes(record, 6));
                }
            }
        }
    }

    /// <summary>Reads the repeated KeyValue field (key = 1, value = 2) of a message.</summary>
    private static Dictionary<string, object?> Attributes(ProtobufMessage? message, int field)
    {
        var attributes = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var keyValue in message?.Messages(field) ?? [])
        {
            attributes[keyValue.String(1) ?? ""] = Value(keyValue.Message(2));
        }

        return attributes;
    }

    /// <summary>Reads an AnyValue: string_value = 1, bool_value = 2, int_value = 3, double_value = 4, array_value = 5 (values = 1).</summary>
    private static object? Value(ProtobufMessage? any)
    {
        if (any is null)
        {
            return null;
        }

        if (any.String(1) is { } text)
        {
            return text;
        }

        if (any.Number(2) is { } flag)
        {
            return flag != 0;
        }

        if (any.Number(3) is { } integer)
        {
            return unchecked((long)integer);
        }

        if (any.Number(4) is { } bits)
        {
            return BitConverter.Int64BitsToDouble(unchecked((long)bits));
        }

        if (any.Message(5) is { } array)
        {
            return array.Messages(1).Select(Value).ToList();
        }

        return null;
    }

    /// <summary>The InstrumentationScope (name = 1) of a ScopeSpans / ScopeMetrics / ScopeLogs message (scope = 1).</summary>
    private static string ScopeName(ProtobufMessage scoped) => scoped.Message(1)?.String(1) ?? "";

    /// <summary>Formats an attribute for a failure message.</summary>
    public static string Describe(IReadOnlyDictionary<string, object?> attributes) =>
        string.Join(", ", attributes.Select(a => $"{a.Key}={(a.Value is List<object?> list ? "[" + string.Join(",", list) + "]" : Convert.ToString(a.Value, CultureInfo.InvariantCulture))}"));
}
