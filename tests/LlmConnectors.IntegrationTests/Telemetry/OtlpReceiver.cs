using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmConnectors.IntegrationTests.Telemetry;

/// <summary>
/// An OTLP/HTTP receiver on loopback (real Kestrel): accepts <c>POST /v1/traces</c>, <c>/v1/metrics</c> and <c>/v1/logs</c> in
/// <c>application/x-protobuf</c>, as an OpenTelemetry Collector does, and keeps what it received.
/// </summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<byte[]> _traces = new();
    private readonly ConcurrentQueue<byte[]> _metrics = new();
    private readonly ConcurrentQueue<byte[]> _logs = new();
    private readonly ConcurrentQueue<string> _contentTypes = new();

    private OtlpReceiver(WebApplication app)
    {
        _app = app;
    }

    /// <summary>Gets the receiver's address, for <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>.</summary>
    public string BaseUrl { get; private set; } = "";

    /// <summary>Gets the content types of the requests received.</summary>
    public IReadOnlyCollection<string> ContentTypes => _contentTypes;

    public IEnumerable<OtlpSpan> Spans => _traces.ToArray().SelectMany(OtlpData.Spans);

    public IEnumerable<OtlpMetric> Metrics => _metrics.ToArray().SelectMany(OtlpData.Metrics);

    public IEnumerable<OtlpLogRecord> Logs => _logs.ToArray().SelectMany(OtlpData.Logs);

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.MapPost("/v1/traces", context => receiver.ReceiveAsync(context, receiver._traces));
        app.MapPost("/v1/metrics", context => receiver.ReceiveAsync(context, receiver._metrics));
        app.MapPost("/v1/logs", context => receiver.ReceiveAsync(context, receiver._logs));
        await app.StartAsync(TestContext.Current.CancellationToken);
        receiver.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return receiver;
    }

    /// <summary>Waits until what was received satisfies <paramref name="condition"/> (the exporter sends in batches); fails after 60 s.</summary>
    public async Task WaitUntilAsync(Func<OtlpReceiver, bool> condition, string what)
    {
        for (var attempt = 0; attempt < 600; attempt++)
        {
            if (condition(this))
            {
                return;
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        Assert.Fail($"The OTLP receiver did not get {what}. Trace exports: {_traces.Count}, spans: {string.Join("; ", Spans.Select(s => $"{s.Scope}/{s.Name}"))}. " +
            $"Metrics: {string.Join(", ", Metrics.Select(m => m.Name).Distinct())}. Log records: {Logs.Count()}.");
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task ReceiveAsync(HttpContext context, ConcurrentQueue<byte[]> into)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        _contentTypes.Enqueue(context.Request.ContentType ?? "");
        into.Enqueue(body.ToArray());
        // An empty Export*ServiceResponse: no partial_success, everything accepted.
        context.Response.ContentType = "application/x-protobuf";
    }
}
