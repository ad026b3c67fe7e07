using System.ClientModel;
using System.Globalization;
using System.Net;
using System.Text.Json;
using LlmConnectors.OpenAICompatible;

namespace LlmConnectors;

/// <summary>Turns the OpenAI SDK's <see cref="ClientResultException"/> (and network faults) into <see cref="LlmConnectorException"/>.</summary>
internal static class OpenAISdkErrors
{
    /// <summary>Translates a failure of the OpenAI SDK.</summary>
    /// <param name="exception">The failure.</param>
    /// <param name="modelId">The requested model.</param>
    /// <param name="sectionName">The configuration path of the settings, for the messages.</param>
    /// <returns>The pack's exception, or <see langword="null"/> for failures that are not the SDK's.</returns>
    public static LlmConnectorException? Translate(Exception exception, string? modelId, string sectionName)
    {
        // After its last retry of a transport failure, the SDK's retry policy throws every try's failure in an AggregateException.
        if (exception is AggregateException { InnerExceptions.Count: > 0 } tries)
        {
            exception = tries.InnerExceptions[^1];
        }

        if (exception is not ClientResultException result)
        {
            return SdkCallTranslation.TranslateCommon(exception, OpenAIConnectorChatClient.ProviderName, "OpenAI", $"{sectionName}:Timeout", modelId);
        }

        if (result.Status == 0)
        {
            // No response: the SDK's transport failed (its inner exception says how).
            return SdkCallTranslation.TranslateCommon(result.InnerException ?? result, OpenAIConnectorChatClient.ProviderName, "OpenAI", $"{sectionName}:Timeout", modelId)
                ?? new LlmConnectorException($"OpenAI failed before answering: {result.Message}", LlmErrorKind.Network, OpenAIConnectorChatClient.ProviderName, innerException: result) { ModelId = modelId };
        }

        var response = result.GetRawResponse();
        ErrorBody? error = null;
        if (response?.Content is { } content && content.ToMemory().Length > 0)
        {
            try
            {
                error = JsonSerializer.Deserialize(content.ToMemory().Span, OpenAIWireJsonContext.Default.ErrorResponse)?.Error;
            }
            catch (JsonException)
            {
                // Not an OpenAI error body (a proxy's page): the status alone classifies it.
            }
        }

        var status = result.Status;
        var kind = LlmConnectorException.KindFromStatus(status);
        if (error?.Code is "content_filter" or "content_policy_violation")
        {
            kind = LlmErrorKind.ContentFiltered;
        }

        var detail = error?.Message ?? result.Message;
        var hint = status switch
        {
            401 => $" Check {sectionName}:ApiKey or {OpenAIConnectorOptions.ApiKeyEnvironmentVariable}: it is missing, invalid or revoked.",
            404 when modelId is not null => $" Check the model id '{modelId}'.",
            429 => " The rate limit or quota was hit; retry later or raise the quota.",
            _ => string.Empty,
        };

        return new LlmConnectorException(
            $"OpenAI answered HTTP {status.ToString(CultureInfo.InvariantCulture)}: {detail.TrimEnd('.')}{(error?.Code is { } code ? $" (code {code})" : string.Empty)}.{hint}",
            kind,
            OpenAIConnectorChatClient.ProviderName,
            (HttpStatusCode)status,
            result)
        {
            ErrorCode = error?.Code,
            ErrorType = error?.Type,
            ModelId = modelId,
            RetryAfter = RetryAfterOf(response),
        };
    }

    private static TimeSpan? RetryAfterOf(System.ClientModel.Primitives.PipelineResponse? response)
    {
        if (response is not null && response.Headers.TryGetValue("Retry-After", out var value) &&
            double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            return TimeSpan.FromSeconds(seconds);
        }

        return null;
    }
}
