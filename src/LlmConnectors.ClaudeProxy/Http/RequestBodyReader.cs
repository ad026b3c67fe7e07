using System.Buffers;
using System.Net;
using System.Text.Json;
using System.Text.Unicode;
using LlmConnectors.OpenAICompatible;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace LlmConnectors.ClaudeProxy.Http;

/// <summary>Reads a chat completion request body: size limit, UTF-8 check, JSON parse, each failure an OpenAI-shaped error.</summary>
internal static class RequestBodyReader
{
    private const string WrongTypePrefix = "The JSON value could not be converted to";

    /// <summary>How many times the limit a too-large body may be before the proxy stops reading it (it then closes the connection).</summary>
    private const long DrainFactor = 4;

    /// <summary>The smallest drain bound, so that small limits still answer a typical oversized body with JSON.</summary>
    private const long MinimumDrainBytes = 16 * 1024 * 1024;

    /// <summary>Reads and parses the body.</summary>
    /// <param name="context">The request.</param>
    /// <param name="maxBytes">The largest body accepted.</param>
    /// <returns>The parsed request, or the error to answer with.</returns>
    public static async Task<(ChatCompletionRequest? Request, ProxyError? Error)> ReadAsync(HttpContext context, long maxBytes)
    {
        if (CheckContentType(context.Request.ContentType) is { } wrongType)
        {
            return (null, wrongType);
        }

        // Kestrel's own limit would cut the connection with a bare 413; this reader enforces the limit itself and, for a body up to
        // DrainFactor times the limit, reads the rest before answering, so that the client gets the JSON 413 instead of a reset.
        var drainLimit = Math.Max(maxBytes * DrainFactor, MinimumDrainBytes);
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = drainLimit;
        }

        if (context.Request.ContentLength is { } declared && declared > maxBytes)
        {
            if (declared <= drainLimit)
            {
                await DrainAsync(context, drainLimit);
            }

            return (null, TooLarge(maxBytes));
        }

        var buffer = new ArrayBufferWriter<byte>(context.Request.ContentLength is { } length and > 0 ? (int)length : 16 * 1024);
        try
        {
            while (true)
            {
                var memory = buffer.GetMemory(16 * 1024);
                var read = await context.Request.Body.ReadAsync(memory, context.RequestAborted);
                if (read == 0)
                {
                    break;
                }

                buffer.Advance(read);
                if (buffer.WrittenCount > maxBytes)
                {
                    await DrainAsync(context, drainLimit - buffer.WrittenCount);
                    return (null, TooLarge(maxBytes));
                }
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge(maxBytes));
        }

        return Parse(buffer.WrittenSpan);
    }

    /// <summary>Parses a body already read.</summary>
    /// <param name="body">The UTF-8 body.</param>
    /// <returns>The parsed request, or the error to answer with.</returns>
    public static (ChatCompletionRequest? Request, ProxyError? Error) Parse(ReadOnlySpan<byte> body)
    {
        if (body.Trim(" \t\r\n"u8).IsEmpty)
        {
            return (null, ProxyError.BadRequest("The request body is empty; send a JSON chat completion request such as {\"model\":\"sonnet\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}."));
        }

        if (!Utf8.IsValid(body))
        {
            return (null, ProxyError.BadRequest("The request body is not valid UTF-8; encode the JSON body as UTF-8.", code: "invalid_encoding"));
        }

        try
        {
            var request = JsonSerializer.Deserialize(body, OpenAIWireJsonContext.Default.ChatCompletionRequest);
            return request is null
                ? (null, ProxyError.BadRequest("The request body is 'null'; send a JSON object."))
                : (request, null);
        }
        catch (JsonException e)
        {
            return (null, FromJsonException(e));
        }
    }

    /// <summary>
    /// Requires <c>Content-Type: application/json</c>, exactly that media type, with parameters allowed (a <c>charset</c> must be UTF-8).
    /// A web page can send <c>text/plain</c>, form types, or no type at all across origins without a CORS preflight; requiring the
    /// JSON type makes every browser request from another origin a preflighted one, which the proxy refuses.
    /// </summary>
    /// <param name="contentType">The request's <c>Content-Type</c> header.</param>
    /// <returns>The 415 error to answer with, or <see langword="null"/> when the type is right.</returns>
    public static ProxyError? CheckContentType(string? contentType)
    {
        const string Expected = "Send the body as JSON with the header 'Content-Type: application/json'.";
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return UnsupportedMediaType($"The request has no Content-Type. {Expected}");
        }

        if (!MediaTypeHeaderValue.TryParse(contentType, out var parsed) || !string.Equals(parsed.MediaType.Value, "application/json", StringComparison.OrdinalIgnoreCase))
        {
            return UnsupportedMediaType($"The request's Content-Type is '{ClientText.Quote(contentType)}', not application/json. {Expected}");
        }

        if (parsed.Charset is { HasValue: true } charset && !string.Equals(charset.Value.Trim('"'), "utf-8", StringComparison.OrdinalIgnoreCase))
        {
            return UnsupportedMediaType($"The request's charset is '{ClientText.Quote(charset.Value)}'; this proxy reads UTF-8 only. Encode the body as UTF-8 and send 'Content-Type: application/json' (optionally '; charset=utf-8').");
        }

        return null;
    }

    private static ProxyError UnsupportedMediaType(string message) =>
        new(HttpStatusCode.UnsupportedMediaType, message, "invalid_request_error", Code: "unsupported_media_type");

    /// <summary>Reads and discards the rest of a body that is too large, up to a bound; beyond it the connection is closed.</summary>
    private static async Task DrainAsync(HttpContext context, long maxBytes)
    {
        context.Response.Headers.Connection = "close";
        var scratch = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            long total = 0;
            int read;
            while (total <= maxBytes && (read = await context.Request.Body.ReadAsync(scratch, context.RequestAborted)) > 0)
            {
                total += read;
            }
        }
        catch (BadHttpRequestException)
        {
            // Past the drain bound: Kestrel closes the connection after the answer.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    private static ProxyError TooLarge(long maxBytes) => new(
        HttpStatusCode.RequestEntityTooLarge,
        $"The request body is larger than this proxy accepts ({maxBytes} bytes). Send smaller images or fewer messages; the operator can raise ClaudeProxy:MaxRequestBodyBytes.",
        "invalid_request_error",
        Code: "request_too_large");

    private static ProxyError FromJsonException(JsonException e)
    {
        var param = ToParam(e.Path);
        var position = e.LineNumber is { } line ? $" (line {line + 1}, byte {e.BytePositionInLine + 1})" : string.Empty;
        if (e.Message.StartsWith(WrongTypePrefix, StringComparison.Ordinal) && param is not null)
        {
            return ProxyError.BadRequest($"'{param}' has the wrong type{position}; see the OpenAI Chat Completions reference for its type.", param);
        }

        if (e.Path is null or "$" && e.Message.StartsWith(WrongTypePrefix, StringComparison.Ordinal))
        {
            return ProxyError.BadRequest("The request body must be a JSON object.");
        }

        // The converters' own messages say what was expected; the serializer appends the path. Other messages are syntax errors.
        var detail = e.Message;
        var cut = detail.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut > 0)
        {
            detail = detail[..cut];
        }

        // A syntax error comes from the reader, wrapped by the serializer; a converter's own message has no inner exception.
        return e.InnerException is not null
            ? ProxyError.BadRequest($"The request body is not valid JSON{position}. Check that it is complete and well-formed.", param, "invalid_json")
            : ProxyError.BadRequest(detail, param);
    }

    private static string? ToParam(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return null;
        }

        return path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
    }
}
