using System.Net;
using System.Text.Json;

namespace LlmConnectors.ClaudeProxy.Http;

/// <summary>An error the proxy answers with, in OpenAI's shape: <c>{"error":{"message","type","param","code"}}</c>.</summary>
/// <param name="Status">The HTTP status.</param>
/// <param name="Message">What went wrong and what to do; never secrets, paths or CLI output.</param>
/// <param name="Type">OpenAI's error type: <c>invalid_request_error</c>, <c>authentication_error</c>, <c>rate_limit_error</c>, <c>api_error</c>, ...</param>
/// <param name="Param">The request parameter at fault, if one is.</param>
/// <param name="Code">A machine-readable code such as <c>model_not_found</c>.</param>
internal sealed record ProxyError(HttpStatusCode Status, string Message, string Type, string? Param = null, string? Code = null)
{
    /// <summary>Gets how long the client should wait before retrying (sent as <c>Retry-After</c>).</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Gets a value indicating whether the connection is closed after the answer (<c>Connection: close</c>).</summary>
    public bool CloseConnection { get; init; }

    /// <summary>Creates a 400 <c>invalid_request_error</c>.</summary>
    public static ProxyError BadRequest(string message, string? param = null, string? code = null) =>
        new(HttpStatusCode.BadRequest, message, "invalid_request_error", param, code);

    /// <summary>Writes the error as a JSON object.</summary>
    /// <param name="writer">The writer.</param>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteStartObject("error");
        writer.WriteString("message", Message);
        writer.WriteString("type", Type);
        WriteNullable(writer, "param", Param);
        WriteNullable(writer, "code", Code);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>Serializes the error body to UTF-8 JSON.</summary>
    /// <returns>The body.</returns>
    public byte[] ToUtf8Json()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteTo(writer);
        }

        return buffer.ToArray();
    }

    /// <summary>Writes the error as the whole response: status, <c>Retry-After</c>, JSON body.</summary>
    /// <param name="context">The request.</param>
    /// <returns>A task that completes when the body is written.</returns>
    public async Task WriteResponseAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var response = context.Response;
        if (response.HasStarted)
        {
            return;
        }

        response.Clear();
        response.Headers["x-request-id"] = context.TraceIdentifier;
        response.StatusCode = (int)Status;
        response.ContentType = "application/json";
        if (RetryAfter is { } retryAfter)
        {
            response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (CloseConnection)
        {
            response.Headers.Connection = "close";
        }

        if (Status == HttpStatusCode.Unauthorized)
        {
            response.Headers.WWWAuthenticate = "Bearer";
        }

        var body = ToUtf8Json();
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, context.RequestAborted);
    }

    private static void WriteNullable(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }
}
