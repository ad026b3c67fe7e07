using System.Globalization;
using System.Text.Json;
using LlmConnectors.OpenAICompatible;
using Microsoft.Extensions.AI;

namespace LlmConnectors.ClaudeProxy.Mapping;

/// <summary>Translates Microsoft.Extensions.AI responses and updates into OpenAI <c>chat.completion</c> objects and chunks.</summary>
internal static class ChatResponseMapper
{
    /// <summary>Creates a response id in OpenAI's shape.</summary>
    /// <returns>A new id such as <c>chatcmpl-3f2a...</c>.</returns>
    public static string NewId() => "chatcmpl-" + Guid.NewGuid().ToString("N");

    /// <summary>Maps a finish reason to its wire value.</summary>
    /// <param name="reason">The reason, or <see langword="null"/> for a normal end.</param>
    /// <returns><c>stop</c>, <c>length</c>, <c>content_filter</c> or <c>tool_calls</c>.</returns>
    public static string ToWire(ChatFinishReason? reason)
    {
        if (reason is not { } r || r == ChatFinishReason.Stop)
        {
            return "stop";
        }

        if (r == ChatFinishReason.Length)
        {
            return "length";
        }

        if (r == ChatFinishReason.ContentFilter)
        {
            return "content_filter";
        }

        return r == ChatFinishReason.ToolCalls ? "tool_calls" : "stop";
    }

    /// <summary>Maps token counts to the wire.</summary>
    /// <param name="usage">The counts.</param>
    /// <returns>The wire usage, or <see langword="null"/>.</returns>
    public static ChatCompletionUsage? ToWire(UsageDetails? usage)
    {
        if (usage is null)
        {
            return null;
        }

        var input = usage.InputTokenCount ?? 0;
        var output = usage.OutputTokenCount ?? 0;
        return new ChatCompletionUsage
        {
            PromptTokens = input,
            CompletionTokens = output,
            TotalTokens = usage.TotalTokenCount ?? input + output,
            PromptTokensDetails = usage.CachedInputTokenCount is { } cached ? new PromptTokensDetails { CachedTokens = cached } : null,
            CompletionTokensDetails = usage.ReasoningTokenCount is { } reasoning ? new CompletionTokensDetails { ReasoningTokens = reasoning } : null,
        };
    }

    /// <summary>Maps a whole response to a <c>chat.completion</c>.</summary>
    /// <param name="response">The response.</param>
    /// <param name="requestedModel">The model the client asked for (used when the client did not report one).</param>
    /// <returns>The wire response.</returns>
    public static ChatCompletionResponse ToCompletion(ChatResponse response, string requestedModel)
    {
        ArgumentNullException.ThrowIfNull(response);
        return new ChatCompletionResponse
        {
            Id = response.ResponseId ?? NewId(),
            Object = "chat.completion",
            Created = (response.CreatedAt ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds(),
            Model = response.ModelId ?? requestedModel,
            Choices =
            [
                new ChatCompletionChoice
                {
                    Index = 0,
                    Message = ToolMapper.ToWire(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>()) is { } calls
                        ? new ChatCompletionMessage { Role = "assistant", Content = response.Text.Length == 0 ? null : new MessageContent { Text = response.Text }, ToolCalls = calls }
                        : new ChatCompletionMessage { Role = "assistant", Content = new MessageContent { Text = response.Text } },
                    FinishReason = ToWire(response.FinishReason),
                },
            ],
            Usage = ToWire(response.Usage) ?? new ChatCompletionUsage { PromptTokens = 0, CompletionTokens = 0, TotalTokens = 0 },
        };
    }

    /// <summary>Creates a <c>chat.completion.chunk</c>.</summary>
    /// <param name="id">The response id shared by every chunk.</param>
    /// <param name="created">The creation time shared by every chunk.</param>
    /// <param name="model">The model.</param>
    /// <param name="delta">The delta, or <see langword="null"/> for the usage chunk (no choices).</param>
    /// <param name="finishReason">The finish reason of the last content chunk.</param>
    /// <param name="usage">The usage, for the usage chunk.</param>
    /// <returns>The chunk.</returns>
    public static ChatCompletionResponse Chunk(string id, long created, string model, ChatCompletionMessage? delta, string? finishReason = null, ChatCompletionUsage? usage = null) => new()
    {
        Id = id,
        Object = "chat.completion.chunk",
        Created = created,
        Model = model,
        Choices = delta is null ? [] : [new ChatCompletionChoice { Index = 0, Delta = delta, FinishReason = finishReason }],
        Usage = usage,
    };

    /// <summary>Finds a cost in USD among a response's additional properties, if the chat client reported one.</summary>
    /// <param name="properties">The properties of the response or of its usage.</param>
    /// <returns>The cost, or <see langword="null"/>.</returns>
    public static decimal? FindCost(AdditionalPropertiesDictionary? properties)
    {
        if (properties is null)
        {
            return null;
        }

        foreach (var (key, value) in properties)
        {
            if (!key.Contains("cost", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            switch (value)
            {
                case decimal d:
                    return d;
                case double db:
                    return (decimal)db;
                case float f:
                    return (decimal)f;
                case long l:
                    return l;
                case int i:
                    return i;
                case string s when decimal.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed):
                    return parsed;
                case JsonElement { ValueKind: JsonValueKind.Number } e when e.TryGetDecimal(out var fromJson):
                    return fromJson;
            }
        }

        return null;
    }
}
