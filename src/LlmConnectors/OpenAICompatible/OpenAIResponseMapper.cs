using System.Text.Json;
using Microsoft.Extensions.AI;

namespace LlmConnectors.OpenAICompatible;

/// <summary>Maps OpenAI-compatible responses and chunks to Microsoft.Extensions.AI types.</summary>
internal static class OpenAIResponseMapper
{
    /// <summary>Maps a complete (non-streaming) response.</summary>
    /// <param name="response">The wire response, already checked for errors.</param>
    /// <returns>The response.</returns>
    public static ChatResponse ToChatResponse(ChatCompletionResponse response)
    {
        var choice = response.Choices is { Count: > 0 } choices ? choices[0] : null;
        var wireMessage = choice?.Message;
        var message = new ChatMessage(ChatRole.Assistant, [])
        {
            MessageId = response.Id,
            RawRepresentation = wireMessage,
        };

        if (wireMessage is not null)
        {
            message.AuthorName = wireMessage.Name;
            if (ToReasoningContent(wireMessage.Reasoning, wireMessage.ReasoningDetails) is { } reasoning)
            {
                message.Contents.Add(reasoning);
            }

            if (TextOf(wireMessage.Content) is { Length: > 0 } text)
            {
                message.Contents.Add(new TextContent(text) { RawRepresentation = wireMessage.Content });
            }

            if (wireMessage.ToolCalls is { } calls)
            {
                foreach (var call in calls)
                {
                    message.Contents.Add(ToFunctionCall(call.Id, call.Function?.Name, call.Function?.Arguments, call, call.ExtraContent));
                }
            }

            if (!string.IsNullOrEmpty(wireMessage.Refusal))
            {
                (message.AdditionalProperties ??= [])[OpenAIPropertyKeys.Refusal] = wireMessage.Refusal;
            }
        }

        var result = new ChatResponse(message)
        {
            ResponseId = response.Id,
            ModelId = response.Model,
            CreatedAt = ToCreatedAt(response.Created),
            FinishReason = ToFinishReason(choice?.FinishReason),
            RawRepresentation = response,
        };

        if (response.Usage is { } usage)
        {
            result.Usage = ToUsageDetails(usage);
        }

        var properties = ResponseProperties(response, choice);
        if (properties is not null)
        {
            result.AdditionalProperties = properties;
        }

        return result;
    }

    /// <summary>Collects the response-level extras: provider, native finish reason, cost, fingerprint.</summary>
    /// <param name="response">The response or chunk.</param>
    /// <param name="choice">Its first choice, if any.</param>
    /// <returns>The extras, or <see langword="null"/> when there are none.</returns>
    public static AdditionalPropertiesDictionary? ResponseProperties(ChatCompletionResponse response, ChatCompletionChoice? choice)
    {
        AdditionalPropertiesDictionary? properties = null;
        if (response.Provider is { } provider)
        {
            (properties ??= [])[OpenAIPropertyKeys.Provider] = provider;
        }

        if (choice?.NativeFinishReason is { } native)
        {
            (properties ??= [])[OpenAIPropertyKeys.NativeFinishReason] = native;
        }

        if (response.SystemFingerprint is { } fingerprint)
        {
            (properties ??= [])[OpenAIPropertyKeys.SystemFingerprint] = fingerprint;
        }

        if (response.Usage?.Cost is { } cost)
        {
            (properties ??= [])[OpenAIPropertyKeys.Cost] = cost;
        }

        return properties;
    }

    /// <summary>Creates the reasoning content of a message; <see langword="null"/> when there is neither text nor details.</summary>
    /// <param name="text">The plain reasoning text.</param>
    /// <param name="details">The raw <c>reasoning_details</c>.</param>
    /// <returns>The content, or <see langword="null"/>.</returns>
    public static TextReasoningContent? ToReasoningContent(string? text, JsonElement? details)
    {
        var hasDetails = details is { ValueKind: JsonValueKind.Array or JsonValueKind.Object } d && (d.ValueKind != JsonValueKind.Array || d.GetArrayLength() > 0);
        if (string.IsNullOrEmpty(text) && !hasDetails)
        {
            return null;
        }

        var content = new TextReasoningContent(text ?? string.Empty);
        if (hasDetails)
        {
            var element = details!.Value;
            content.ProtectedData = element.GetRawText();
            content.RawRepresentation = element;
            content.AdditionalProperties = new() { [OpenAIPropertyKeys.ReasoningDetails] = element };
        }

        return content;
    }

    /// <summary>Creates a function call from its wire parts, parsing the JSON arguments (a parse failure is kept in <see cref="FunctionCallContent.Exception"/>).</summary>
    /// <param name="id">The call id.</param>
    /// <param name="name">The function name.</param>
    /// <param name="arguments">The arguments as a JSON string.</param>
    /// <param name="raw">The raw wire object.</param>
    /// <param name="extraContent">The call's raw <c>extra_content</c> (Gemini's thought signature), kept in <see cref="AIContent.AdditionalProperties"/> to be sent back; or <see langword="null"/>.</param>
    /// <returns>The call.</returns>
    public static FunctionCallContent ToFunctionCall(string? id, string? name, string? arguments, object? raw, JsonElement? extraContent = null)
    {
        var json = string.IsNullOrWhiteSpace(arguments) ? "{}" : arguments;
        var call = FunctionCallContent.CreateFromParsedArguments(
            json,
            id ?? string.Empty,
            name ?? string.Empty,
            static text => (IDictionary<string, object?>?)JsonSerializer.Deserialize(text, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(IDictionary<string, object?>))));
        call.RawRepresentation = raw;
        if (extraContent is { ValueKind: JsonValueKind.Object } extra)
        {
            call.AdditionalProperties = new() { [OpenAIPropertyKeys.ExtraContent] = extra };
        }

        return call;
    }

    /// <summary>Gets the text of a content value: the string, or the text parts joined.</summary>
    /// <param name="content">The content.</param>
    /// <returns>The text, or <see langword="null"/>.</returns>
    public static string? TextOf(MessageContent? content)
    {
        if (content is null)
        {
            return null;
        }

        if (content.Text is { } text)
        {
            return text;
        }

        if (content.Parts is { } parts)
        {
            string? single = null;
            System.Text.StringBuilder? builder = null;
            foreach (var part in parts)
            {
                if (part.Type == "text" && part.Text is { } partText)
                {
                    if (single is null && builder is null)
                    {
                        single = partText;
                    }
                    else
                    {
                        builder ??= new System.Text.StringBuilder(single);
                        builder.Append(partText);
                    }
                }
            }

            return builder?.ToString() ?? single;
        }

        return null;
    }

    /// <summary>Maps a wire finish reason.</summary>
    /// <param name="reason">The wire value.</param>
    /// <returns>The finish reason, or <see langword="null"/>.</returns>
    public static ChatFinishReason? ToFinishReason(string? reason) => reason switch
    {
        null or "" => null,
        "stop" or "end_turn" => ChatFinishReason.Stop,
        "length" or "max_tokens" => ChatFinishReason.Length,
        "tool_calls" or "function_call" or "tool_use" => ChatFinishReason.ToolCalls,
        "content_filter" => ChatFinishReason.ContentFilter,
        _ => new ChatFinishReason(reason),
    };

    /// <summary>Converts a Unix time in seconds.</summary>
    /// <param name="created">The seconds, or <see langword="null"/>.</param>
    /// <returns>The time, or <see langword="null"/>.</returns>
    public static DateTimeOffset? ToCreatedAt(long? created) =>
        created is > 0 and < 253402300799 ? DateTimeOffset.FromUnixTimeSeconds(created.Value) : null;

    /// <summary>Maps usage, cached, reasoning and audio tokens included.</summary>
    /// <param name="usage">The wire usage.</param>
    /// <returns>The usage.</returns>
    public static UsageDetails ToUsageDetails(ChatCompletionUsage usage)
    {
        var details = new UsageDetails
        {
            InputTokenCount = usage.PromptTokens,
            OutputTokenCount = usage.CompletionTokens,
            TotalTokenCount = usage.TotalTokens ?? (usage.PromptTokens + usage.CompletionTokens),
            CachedInputTokenCount = usage.PromptTokensDetails?.CachedTokens,
            ReasoningTokenCount = usage.CompletionTokensDetails?.ReasoningTokens,
        };

        if (usage.PromptTokensDetails?.CacheWriteTokens is { } cacheWrite)
        {
            (details.AdditionalCounts ??= [])[OpenAIPropertyKeys.CacheWriteTokens] = cacheWrite;
        }

        if (usage.PromptTokensDetails?.AudioTokens is { } inputAudio)
        {
            (details.AdditionalCounts ??= [])[OpenAIPropertyKeys.InputAudioTokens] = inputAudio;
        }

        if (usage.CompletionTokensDetails?.AudioTokens is { } outputAudio)
        {
            (details.AdditionalCounts ??= [])[OpenAIPropertyKeys.OutputAudioTokens] = outputAudio;
        }

        return details;
    }
}
