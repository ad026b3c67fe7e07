using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace LlmConnectors.IntegrationTests.ClaudeProxy;

internal static class ProxyTestHelpers
{
    public const string SimpleRequest = """{"model":"sonnet","messages":[{"role":"user","content":"Hi"}]}""";

    public static async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> PostJsonAsync(HttpClient client, string json, string path = "/v1/chat/completions")
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        return await SendAsync(client, path, content);
    }

    public static async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> PostBytesAsync(HttpClient client, byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return await SendAsync(client, "/v1/chat/completions", content);
    }

    public static void AssertError(JsonElement body, string? expectedCode, string? expectedParam = null, string? expectedType = null)
    {
        var error = body.GetProperty("error");
        Assert.Equal(JsonValueKind.String, error.GetProperty("message").ValueKind);
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
        Assert.True(error.TryGetProperty("type", out var type));
        Assert.True(error.TryGetProperty("param", out var param));
        Assert.True(error.TryGetProperty("code", out var code));
        if (expectedCode is not null)
        {
            Assert.Equal(expectedCode, code.GetString());
        }

        if (expectedParam is not null)
        {
            Assert.Equal(expectedParam, param.GetString());
        }

        if (expectedType is not null)
        {
            Assert.Equal(expectedType, type.GetString());
        }
    }

    /// <summary>Reads the data lines of a server-sent event stream.</summary>
    public static List<string> ReadSseData(string body) =>
        [.. body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(e => e.Trim()).Where(e => e.StartsWith("data: ", StringComparison.Ordinal)).Select(e => e["data: ".Length..])];

    private static async Task<(HttpStatusCode, JsonElement, HttpResponseMessage)> SendAsync(HttpClient client, string path, HttpContent content)
    {
        var response = await client.PostAsync(path, content, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        JsonElement body = default;
        if (text.Length > 0 && response.Content.Headers.ContentType?.MediaType == "application/json")
        {
            body = JsonDocument.Parse(text).RootElement.Clone();
        }

        return (response.StatusCode, body, response);
    }
}
