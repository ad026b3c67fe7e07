using System.Net;
using System.Text;

namespace LlmConnectors.Tests.OpenAICompatible;

/// <summary>An in-memory HTTP handler: answers with queued responses and records every request with its body.</summary>
public sealed class RecordingHandler : HttpMessageHandler
{
    private readonly Queue<Func<HttpResponseMessage>> _responses = new();
    private readonly List<RecordedHttpRequest> _requests = [];

    public IReadOnlyList<RecordedHttpRequest> Requests => _requests;

    public Exception? Throw { get; set; }

    public RecordingHandler Enqueue(HttpStatusCode status, string body, string contentType = "application/json", Action<HttpResponseMessage>? configure = null)
    {
        _responses.Enqueue(() =>
        {
            var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, contentType) };
            configure?.Invoke(response);
            return response;
        });
        return this;
    }

    public RecordingHandler EnqueueJson(string body) => Enqueue(HttpStatusCode.OK, body);

    public RecordingHandler EnqueueSse(string body) => Enqueue(HttpStatusCode.OK, body, "text/event-stream");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in request.Headers)
        {
            headers[header.Key] = string.Join(",", header.Value);
        }

        _requests.Add(new RecordedHttpRequest(request.Method, request.RequestUri!, headers, body));
        if (Throw is { } ex)
        {
            throw ex;
        }

        if (_responses.Count == 0)
        {
            throw new InvalidOperationException($"The test handler has no response queued for request {_requests.Count}.");
        }

        return _responses.Dequeue()();
    }
}

public sealed record RecordedHttpRequest(HttpMethod Method, Uri Uri, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public System.Text.Json.JsonElement Json()
    {
        using var document = System.Text.Json.JsonDocument.Parse(Body);
        return document.RootElement.Clone();
    }
}
