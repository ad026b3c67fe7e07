using System.Text.Json;
using LlmConnectors.ClaudeProxy.Http;

namespace LlmConnectors.ClaudeProxy.Health;

/// <summary>
/// <c>GET /health</c> (liveness) and <c>GET /health/ready</c> (readiness, cached briefly so that probes never pile up CLI runs; the
/// request counts, <c>active_requests</c> and <c>queued_requests</c>, are read live from the proxy's own queue).
/// </summary>
internal sealed class HealthEndpoints(IReadinessCheck check, ConcurrencyLimitingChatClient gate, TimeProvider timeProvider) : IDisposable
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(10);
    private readonly SemaphoreSlim _lock = new(1, 1);
    private (ReadinessReport Report, DateTimeOffset At)? _cached;

    /// <summary>Writes the liveness answer.</summary>
    /// <param name="context">The request.</param>
    /// <returns>A task that completes when the answer is written.</returns>
    public static Task LiveAsync(HttpContext context)
    {
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsync("{\"status\":\"ok\"}", context.RequestAborted);
    }

    /// <summary>Writes the readiness answer: 200 when ready, 503 otherwise.</summary>
    /// <param name="context">The request.</param>
    /// <returns>A task that completes when the answer is written.</returns>
    public async Task ReadyAsync(HttpContext context)
    {
        var report = await GetReportAsync(context.RequestAborted);
        context.Response.StatusCode = report.Ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        await using var writer = new Utf8JsonWriter(context.Response.Body);
        writer.WriteStartObject();
        writer.WriteString("status", report.Ready ? "ready" : "not_ready");
        if (report.Message is not null)
        {
            writer.WriteString("message", report.Message);
        }

        writer.WriteStartObject("checks");
        var checks = new Dictionary<string, object?>(report.Checks)
        {
            ["active_requests"] = gate.ActiveCount,
            ["queued_requests"] = gate.QueuedCount,
        };
        foreach (var (name, value) in checks)
        {
            switch (value)
            {
                case null:
                    writer.WriteNull(name);
                    break;
                case bool b:
                    writer.WriteBoolean(name, b);
                    break;
                case int i:
                    writer.WriteNumber(name, i);
                    break;
                case long l:
                    writer.WriteNumber(name, l);
                    break;
                default:
                    writer.WriteString(name, value.ToString());
                    break;
            }
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
        await writer.FlushAsync(context.RequestAborted);
    }

    /// <inheritdoc/>
    public void Dispose() => _lock.Dispose();

    private async Task<ReadinessReport> GetReportAsync(CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            var now = timeProvider.GetUtcNow();
            if (_cached is { } cached && now - cached.At < CacheFor)
            {
                return cached.Report;
            }

            ReadinessReport report;
            try
            {
                report = await check.CheckAsync(cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                report = new ReadinessReport(false, new Dictionary<string, object?>(), "The readiness check failed: " + e.GetType().Name + ". See the proxy's log.");
            }

            _cached = (report, now);
            return report;
        }
        finally
        {
            _lock.Release();
        }
    }
}
