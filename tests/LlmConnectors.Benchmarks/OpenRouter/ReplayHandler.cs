using System.Net;
using System.Net.Http.Headers;

namespace LlmConnectors.Benchmarks.OpenRouter;

/// <summary>An in-memory handler that answers every request with the same recorded SSE bytes (no network, no server).</summary>
internal sealed class ReplayHandler(byte[] body) : HttpMessageHandler
{
    private static readonly MediaTypeHeaderValue EventStream = new("text/event-stream");

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = EventStream;
        return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content, RequestMessage = request });
    }
}
