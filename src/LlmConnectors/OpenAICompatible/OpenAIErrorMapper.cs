using System.Net;
using System.Text;
using System.Text.Json;

namespace LlmConnectors.OpenAICompatible;

/// <summary>Turns error responses, 200-with-error bodies and mid-stream error chunks into <see cref="LlmConnectorException"/>.</summary>
internal static class OpenAIErrorMapper
{
    private const int MaxErrorBodyBytes = 64 * 1024;
    private const int MaxQuotedBodyChars = 300;

    /// <summary>Reads a failed response and builds the exception (the response is not disposed).</summary>
    /// <param name="response">The non-2xx response.</param>
    /// <param name="settings">The client's settings.</param>
    /// <param name="modelId">The requested model.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The exception to throw.</returns>
    public static async Task<LlmConnectorException> FromResponseAsync(HttpResponseMessage response, OpenAICompatibleClientOptions settings, string? modelId, CancellationToken cancellationToken)
    {
        var body = await ReadBoundedAsync(response.Content, cancellationToken).ConfigureAwait(false);
        ErrorBody? error = null;
        if (body.Length > 0)
        {
            try
            {
                // Google's OpenAI-compatible endpoints wrap the error object in an array: [{"error":{...}}].
                error = body.AsSpan().TrimStart(" \t\r\n"u8) is [(byte)'[', ..]
                    ? JsonSerializer.Deserialize(body, OpenAIWireJsonContext.Default.ListErrorResponse)?.FirstOrDefault()?.Error
                    : JsonSerializer.Deserialize(body, OpenAIWireJsonContext.Default.ErrorResponse)?.Error;
            }
            catch (JsonException)
            {
                // Not JSON (an HTML page from a proxy, for example): quoted in the message below.
            }
        }

        var status = (int)response.StatusCode;
        var retryAfter = RetryAfterOf(response, settings.TimeProvider);
        var quoted = error?.Message ?? Quote(body);
        return Create(settings, status, response.StatusCode, error, quoted, retryAfter, modelId);
    }

    /// <summary>Builds the exception for an error carried in a 200 body or a streamed chunk.</summary>
    /// <param name="error">The error object.</param>
    /// <param name="settings">The client's settings.</param>
    /// <param name="modelId">The model that was used.</param>
    /// <param name="midStream">Whether the error arrived in a stream after the response started.</param>
    /// <returns>The exception to throw.</returns>
    public static LlmConnectorException FromErrorBody(ErrorBody? error, OpenAICompatibleClientOptions settings, string? modelId, bool midStream)
    {
        int? reported = int.TryParse(error?.Code, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var code) && code is >= 100 and < 600 ? code : null;
        var kind = reported is { } c ? LlmConnectorException.KindFromStatus(c) : KindFromCode(error?.Code);
        var where = midStream ? "in the middle of the streamed response" : "in a response with HTTP status 200";
        var name = settings.DisplayName ?? settings.ProviderName;
        var message = $"{name} reported an error {where}: {error?.Message ?? "(no message)"}{CodeSuffix(error)}.";
        if (midStream)
        {
            message += " The text streamed before the error is incomplete.";
        }

        return new LlmConnectorException(message, IsModeration(error) ? LlmErrorKind.ContentFiltered : kind, settings.ProviderName, reported is { } s ? (HttpStatusCode)s : null)
        {
            ErrorCode = error?.Code,
            ErrorType = error?.Type,
            ModelId = modelId,
            ProviderMetadata = MetadataOf(error),
        };
    }

    private static LlmConnectorException Create(OpenAICompatibleClientOptions settings, int status, HttpStatusCode statusCode, ErrorBody? error, string detail, TimeSpan? retryAfter, string? modelId)
    {
        var name = settings.DisplayName ?? settings.ProviderName;
        var builder = new StringBuilder();
        builder.Append(name).Append(" answered HTTP ").Append(status);
        if (ReasonPhrase(statusCode) is { } phrase)
        {
            builder.Append(' ').Append(phrase);
        }

        if (!string.IsNullOrWhiteSpace(detail))
        {
            builder.Append(": ").Append(detail.TrimEnd('.'));
        }

        builder.Append(CodeSuffix(error)).Append('.');
        var kind = IsModeration(error) ? LlmErrorKind.ContentFiltered : LlmConnectorException.KindFromStatus(status);
        switch (status)
        {
            case 401:
                builder.Append(" Check the API key").Append(settings.ApiKeySettingName is { } key ? $" ({key})" : string.Empty).Append(": it is missing, invalid or revoked.");
                break;
            case 402:
                builder.Append(" The account has no credit left for this request: add credits, or lower max output tokens.");
                break;
            case 404 when modelId is not null:
                builder.Append(" Check the model id '").Append(modelId).Append("'.");
                break;
            case 429 when retryAfter is { } wait:
                builder.Append(" Retry after ").Append(wait.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)).Append(" s.");
                break;
        }

        return new LlmConnectorException(builder.ToString(), kind, settings.ProviderName, statusCode)
        {
            ErrorCode = error?.Code,
            ErrorType = error?.Type,
            RetryAfter = retryAfter,
            ModelId = modelId,
            ProviderMetadata = MetadataOf(error),
        };
    }

    private static string CodeSuffix(ErrorBody? error) =>
        error?.Code is { } code ? $" (code {code}{(error.Type is { } type ? $", {type}" : string.Empty)})" : error?.Type is { } t ? $" ({t})" : string.Empty;

    private static bool IsModeration(ErrorBody? error) =>
        error?.Metadata is { ValueKind: JsonValueKind.Object } metadata &&
        (metadata.TryGetProperty("reasons", out _) || metadata.TryGetProperty("flagged_input", out _));

    private static LlmErrorKind KindFromCode(string? code) => code switch
    {
        null => LlmErrorKind.Unknown,
        "rate_limit_exceeded" or "rate_limit" => LlmErrorKind.RateLimited,
        "server_error" or "internal_error" => LlmErrorKind.ServerError,
        "overloaded" or "overloaded_error" or "service_unavailable" => LlmErrorKind.Unavailable,
        "timeout" => LlmErrorKind.Timeout,
        "content_filter" or "moderation" => LlmErrorKind.ContentFiltered,
        "invalid_request_error" or "invalid_request" => LlmErrorKind.InvalidRequest,
        "insufficient_quota" => LlmErrorKind.PaymentRequired,
        "model_not_found" => LlmErrorKind.NotFound,
        _ => LlmErrorKind.Unknown,
    };

    /// <summary>Flattens the error <c>metadata</c>: strings as they are, anything else as raw JSON.</summary>
    /// <param name="error">The error.</param>
    /// <returns>The metadata, or <see langword="null"/>.</returns>
    public static IReadOnlyDictionary<string, string>? MetadataOf(ErrorBody? error)
    {
        if (error?.Metadata is not { ValueKind: JsonValueKind.Object } metadata)
        {
            return null;
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in metadata.EnumerateObject())
        {
            result[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() ?? string.Empty : property.Value.GetRawText();
        }

        return result;
    }

    /// <summary>Reads <c>Retry-After</c> (delta-seconds or an HTTP date).</summary>
    /// <param name="response">The response.</param>
    /// <param name="timeProvider">The clock for HTTP dates.</param>
    /// <returns>The delay, or <see langword="null"/> when the header is absent.</returns>
    public static TimeSpan? RetryAfterOf(HttpResponseMessage response, TimeProvider timeProvider)
    {
        if (response.Headers.RetryAfter is not { } retryAfter)
        {
            return null;
        }

        if (retryAfter.Delta is { } delta)
        {
            return delta;
        }

        if (retryAfter.Date is { } date)
        {
            var wait = date - timeProvider.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }

    private static string? ReasonPhrase(HttpStatusCode status) => status switch
    {
        HttpStatusCode.BadRequest => "Bad Request",
        HttpStatusCode.Unauthorized => "Unauthorized",
        HttpStatusCode.PaymentRequired => "Payment Required",
        HttpStatusCode.Forbidden => "Forbidden",
        HttpStatusCode.NotFound => "Not Found",
        HttpStatusCode.RequestTimeout => "Request Timeout",
        HttpStatusCode.TooManyRequests => "Too Many Requests",
        HttpStatusCode.InternalServerError => "Internal Server Error",
        HttpStatusCode.BadGateway => "Bad Gateway",
        HttpStatusCode.ServiceUnavailable => "Service Unavailable",
        HttpStatusCode.GatewayTimeout => "Gateway Timeout",
        _ => null,
    };

    private static string Quote(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return string.Empty;
        }

        var text = Encoding.UTF8.GetString(body).Trim();
        return text.Length <= MaxQuotedBodyChars ? text : string.Concat(text.AsSpan(0, MaxQuotedBodyChars), "...");
    }

    private static async Task<byte[]> ReadBoundedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[8192];
            int read;
            while (buffer.Length < MaxErrorBodyBytes && (read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                buffer.Write(chunk, 0, read);
            }

            return buffer.ToArray();
        }
    }
}
