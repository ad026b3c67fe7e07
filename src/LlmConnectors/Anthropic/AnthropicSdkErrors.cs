using System.Globalization;
using System.Net;
using System.Text.Json;
using Anthropic.Exceptions;

namespace LlmConnectors;

/// <summary>Turns the Anthropic SDK's exceptions into <see cref="LlmConnectorException"/>, by HTTP status and the Messages API's error type.</summary>
internal static class AnthropicSdkErrors
{
    /// <summary>Translates a failure of the Anthropic SDK.</summary>
    /// <param name="exception">The failure.</param>
    /// <param name="modelId">The requested model.</param>
    /// <param name="sectionName">The configuration path of the settings, for the messages.</param>
    /// <returns>The pack's exception, or <see langword="null"/> for failures that are not the SDK's.</returns>
    public static LlmConnectorException? Translate(Exception exception, string? modelId, string sectionName)
    {
        const string Provider = AnthropicConnectorChatClient.ProviderName;
        switch (exception)
        {
            case AnthropicApiException api:
            {
                var (type, message) = ErrorOf(api.ResponseBody);
                var status = (int)api.StatusCode;
                var kind = type is not null ? KindFromType(type) ?? LlmConnectorException.KindFromStatus(status) : LlmConnectorException.KindFromStatus(status);
                var hint = status switch
                {
                    401 => $" Check {sectionName}:ApiKey or {AnthropicConnectorOptions.ApiKeyEnvironmentVariable}: it is missing, invalid or revoked.",
                    404 when modelId is not null => $" Check the model id '{modelId}'.",
                    _ => string.Empty,
                };
                return new LlmConnectorException(
                    $"Anthropic answered HTTP {status.ToString(CultureInfo.InvariantCulture)}: {(message ?? api.Message).TrimEnd('.')}{(type is not null ? $" ({type})" : string.Empty)}.{hint}",
                    kind,
                    Provider,
                    api.StatusCode,
                    api)
                {
                    ErrorType = type,
                    ModelId = modelId,
                };
            }

            case AnthropicSseException sse:
            {
                // An 'error' event in the middle of a stream: the SDK keeps the event's text in the message.
                var type = KnownTypes.FirstOrDefault(t => sse.Message.Contains(t, StringComparison.Ordinal));
                return new LlmConnectorException(
                    $"Anthropic reported an error in the middle of the streamed response: {sse.Message.TrimEnd('.')}. The text streamed before the error is incomplete.",
                    type is not null ? KindFromType(type)!.Value : LlmErrorKind.ProtocolError,
                    Provider,
                    innerException: sse)
                {
                    ErrorType = type,
                    ModelId = modelId,
                };
            }

            case AnthropicIOException io:
                return new LlmConnectorException(
                    $"Could not reach Anthropic: {io.Message} ({io.GetBaseException().Message}). Check {sectionName}:Endpoint and the network.",
                    LlmErrorKind.Network,
                    Provider,
                    innerException: io)
                { ModelId = modelId };

            case AnthropicInvalidDataException invalid:
                return new LlmConnectorException(
                    $"Anthropic answered with data the SDK could not read: {invalid.Message}",
                    LlmErrorKind.ProtocolError,
                    Provider,
                    innerException: invalid)
                { ModelId = modelId };

            default:
                return SdkCallTranslation.TranslateCommon(exception, Provider, "Anthropic", $"{sectionName}:Timeout", modelId);
        }
    }

    private static readonly string[] KnownTypes =
    [
        "invalid_request_error", "authentication_error", "permission_error", "not_found_error", "request_too_large",
        "rate_limit_error", "api_error", "overloaded_error", "billing_error", "timeout_error",
    ];

    private static LlmErrorKind? KindFromType(string type) => type switch
    {
        "invalid_request_error" => LlmErrorKind.InvalidRequest,
        "authentication_error" => LlmErrorKind.Authentication,
        "permission_error" => LlmErrorKind.PermissionDenied,
        "not_found_error" => LlmErrorKind.NotFound,
        "request_too_large" => LlmErrorKind.RequestTooLarge,
        "rate_limit_error" => LlmErrorKind.RateLimited,
        "api_error" => LlmErrorKind.ServerError,
        "overloaded_error" => LlmErrorKind.Unavailable,
        "billing_error" => LlmErrorKind.PaymentRequired,
        "timeout_error" => LlmErrorKind.Timeout,
        _ => null,
    };

    /// <summary>Reads <c>{"type":"error","error":{"type":"...","message":"..."}}</c>.</summary>
    private static (string? Type, string? Message) ErrorOf(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return (null, null);
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object &&
                document.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                var type = error.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
                var message = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
                return (type, message);
            }
        }
        catch (JsonException)
        {
            // Not the Messages API's error shape (a proxy's page): the status classifies it.
        }

        return (null, null);
    }
}
