using System.ClientModel;
using LlmConnectors.IntegrationTests.ClaudeProxy;
using LlmConnectors.TestServers.Anthropic;
using OpenAI;
using OpenAI.Chat;

namespace LlmConnectors.IntegrationTests.Telemetry;

/// <summary>
/// The proxy process with only the standard <c>OTEL_EXPORTER_OTLP_*</c> variables set exports its traces, metrics and logs over
/// OTLP/HTTP protobuf to a receiver on loopback; the real CLI answers from the scripted Anthropic backend.
/// </summary>
public sealed class OtlpExportTests
{
    [Fact]
    public async Task Proxy_OtlpEndpointSet_ExportsGenAiSpansMetricsAndLogs()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var backend = await ScriptedAnthropicServer.StartAsync(TestContext.Current.CancellationToken);
        backend.Enqueue(ScriptedAnthropicReply.Text("Hello ", "telemetry"));
        await using var proxy = await ProxyProcess.StartAsync(backend, new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.BaseUrl,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_SERVICE_NAME"] = "claude-proxy-under-test",
            // Export soon after the request rather than after the SDK's default 5 s (spans, logs) and 60 s (metrics).
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            ["OTEL_BLRP_SCHEDULE_DELAY"] = "200",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
        });
        var client = new ChatClient("sonnet", new ApiKeyCredential(ProxyProcess.ApiKey), new OpenAIClientOptions { Endpoint = new Uri(proxy.BaseUrl + "/v1") });

        Assert.Null(System.Diagnostics.Activity.Current?.Id);
        var completion = (await client.CompleteChatAsync([new UserChatMessage("Say hello")], cancellationToken: TestContext.Current.CancellationToken)).Value;

        Assert.Equal("Hello telemetry", completion.Content[0].Text);
        await receiver.WaitUntilAsync(r => r.Spans.Any(IsChatSpan), "a GenAI chat span");
        var span = receiver.Spans.Single(IsChatSpan);
        var attributes = OtlpData.Describe(span.Attributes);
        Assert.Equal("LlmConnectors.ClaudeProxy", span.Scope);
        Assert.Equal("chat sonnet", span.Name);
        Assert.True(span.Attributes.TryGetValue("gen_ai.request.model", out var model) && (string?)model == "sonnet", attributes);
        Assert.True(span.Attributes.TryGetValue("gen_ai.provider.name", out var provider) && (string?)provider == "claude-code", attributes);
        Assert.True(span.Attributes.TryGetValue("gen_ai.usage.output_tokens", out var output) && output is long and > 0, attributes);
        Assert.Equal("claude-proxy-under-test", span.Resource["service.name"]);

        await receiver.WaitUntilAsync(r => r.Metrics.Any(m => m.Name == "gen_ai.client.operation.duration") && r.Metrics.Any(m => m.Name == "http.server.request.duration"), "the GenAI and HTTP server metrics");
        Assert.Contains(receiver.Metrics, m => m.Name == "gen_ai.client.token.usage" && m.Scope == "LlmConnectors.ClaudeProxy");

        await receiver.WaitUntilAsync(r => r.Logs.Any(l => l.Body is string body && body.StartsWith("Claude proxy listening on", StringComparison.Ordinal)), "the proxy's start-up log record");
        Assert.All(receiver.ContentTypes, type => Assert.Equal("application/x-protobuf", type));
    }

    private static bool IsChatSpan(OtlpSpan span) => span.Attributes.TryGetValue("gen_ai.operation.name", out var operation) && (string?)operation == "chat";
}
