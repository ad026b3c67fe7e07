using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace LlmConnectors.OpenAICompatible;

/// <summary>Maps Microsoft.Extensions.AI messages and <see cref="ChatOptions"/> to an OpenAI-compatible <see cref="ChatCompletionRequest"/>.</summary>
internal static class OpenAIRequestMapper
{
    private static readonly JsonElement NullElement = JsonSerializer.Deserialize("null"u8, OpenAIWireJsonContext.Default.JsonElement);
    /// <summary><see cref="AIJsonUtilities.DefaultOptions"/> without indentation: arguments and tool results go on the wire compact.</summary>
    private static readonly JsonSerializerOptions CompactOptions = CreateCompactOptions();
    private static readonly HashSet<string> StandardKeys = new(StringComparer.Ordinal) { OpenAIPropertyKeys.User, OpenAIPropertyKeys.StrictJsonSchema };

    /// <summary>Builds the wire request.</summary>
    /// <param name="messages">The conversation.</param>
    /// <param name="options">The request options, or <see langword="null"/>.</param>
    /// <param name="settings">The client's settings (default model, hooks).</param>
    /// <param name="stream">Whether the request streams.</param>
    /// <returns>The request.</returns>
    /// <exception cref="InvalidOperationException">No model is given by the options nor by the client's default.</exception>
    public static ChatCompletionRequest CreateRequest(IEnumerable<ChatMessage> messages, ChatOptions? options, OpenAICompatibleClientOptions settings, bool stream)
    {
        var modelId = options?.ModelId ?? settings.DefaultModelId;
        if (string.IsNullOrWhiteSpace(modelId))
        {
            throw new InvalidOperationException(
                $"No model was given for {settings.DisplayName ?? settings.ProviderName}: set ChatOptions.ModelId on the request or the {settings.ModelIdSettingName} setting (for example \"openai/gpt-4o-mini\").");
        }

        var request = new ChatCompletionRequest
        {
            Model = settings.MapModelId is { } map ? map(modelId) : modelId,
            Messages = MapMessages(messages, options?.Instructions),
        };

        if (stream)
        {
            request.Stream = true;
            request.StreamOptions = new StreamOptions { IncludeUsage = true };
        }

        if (options is not null)
        {
            ApplyOptions(request, options);
        }

        settings.ConfigureRequest?.Invoke(request, options);

        if (options?.AdditionalProperties is { Count: > 0 } extra)
        {
            foreach (var (key, value) in extra)
            {
                if (StandardKeys.Contains(key) || (settings.ConsumedAdditionalProperties?.Contains(key) ?? false))
                {
                    continue;
                }

                request.ExtensionData ??= new Dictionary<string, JsonElement>(StringComparer.Ordinal);
                request.ExtensionData[key] = ToJsonElement(value);
            }
        }

        return request;
    }

    /// <summary>Maps the conversation to wire messages.</summary>
    /// <param name="messages">The conversation.</param>
    /// <param name="instructions">Instructions to prepend as a system message, or <see langword="null"/>.</param>
    /// <returns>The wire messages.</returns>
    public static List<ChatCompletionMessage> MapMessages(IEnumerable<ChatMessage> messages, string? instructions = null)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var result = new List<ChatCompletionMessage>();
        if (!string.IsNullOrEmpty(instructions))
        {
            result.Add(new ChatCompletionMessage { Role = "system", Content = new MessageContent { Text = instructions } });
        }

        foreach (var message in messages)
        {
            if (message.Role == ChatRole.Tool)
            {
                AddToolMessages(result, message);
            }
            else if (message.Role == ChatRole.Assistant)
            {
                result.Add(MapAssistantMessage(message));
            }
            else
            {
                result.Add(MapContentMessage(message));
            }
        }

        return result;
    }

    private static ChatCompletionMessage MapContentMessage(ChatMessage message)
    {
        var role = message.Role == ChatRole.System ? "system" : message.Role == ChatRole.User ? "user" : message.Role.Value;
        var wire = new ChatCompletionMessage { Role = role, Name = message.AuthorName };
        var parts = new List<ContentPart>(message.Contents.Count);
        foreach (var content in message.Contents)
        {
            if (MapPart(content) is { } part)
            {
                parts.Add(part);
            }
            else if (content is FunctionResultContent result)
            {
                // A tool result inside a non-tool message: keep it as text rather than lose it.
                parts.Add(new ContentPart { Type = "text", Text = SerializeResult(result) });
            }
        }

        wire.Content = ToContent(parts);
        return wire;
    }

    private static ChatCompletionMessage MapAssistantMessage(ChatMessage message)
    {
        var wire = new ChatCompletionMessage { Role = "assistant", Name = message.AuthorName };
        var parts = new List<ContentPart>();
        StringBuilder? reasoning = null;
        List<JsonElement>? details = null;
        foreach (var content in message.Contents)
        {
            switch (content)
            {
                case FunctionCallContent call:
                    (wire.ToolCalls ??= []).Add(new ToolCall
                    {
                        Id = call.CallId,
                        Type = "function",
                        Function = new FunctionCall { Name = call.Name, Arguments = SerializeArguments(call.Arguments) },
                        ExtraContent = ExtraContentOf(call),
                    });
                    break;
                case TextReasoningContent thinking:
                    if (!string.IsNullOrEmpty(thinking.Text))
                    {
                        (reasoning ??= new StringBuilder()).Append(thinking.Text);
                    }

                    if (ReasoningDetailsOf(thinking) is { } element)
                    {
                        details ??= [];
                        if (element.ValueKind == JsonValueKind.Array)
                        {
                            details.AddRange(element.EnumerateArray());
                        }
                        else
                        {
                            details.Add(element);
                        }
                    }

                    break;
                default:
                    if (MapPart(content) is { } part)
                    {
                        parts.Add(part);
                    }

                    break;
            }
        }

        wire.Content = ToContent(parts);
        wire.Reasoning = reasoning?.ToString();
        if (details is not null)
        {
            wire.ReasoningDetails = JsonSerializer.SerializeToElement(details, OpenAIWireJsonContext.Default.ListJsonElement);
        }

        return wire;
    }

    private static void AddToolMessages(List<ChatCompletionMessage> result, ChatMessage message)
    {
        List<ContentPart>? other = null;
        foreach (var content in message.Contents)
        {
            if (content is FunctionResultContent functionResult)
            {
                result.Add(new ChatCompletionMessage
                {
                    Role = "tool",
                    ToolCallId = functionResult.CallId,
                    Content = new MessageContent { Text = SerializeResult(functionResult) },
                });
            }
            else if (MapPart(content) is { } part)
            {
                (other ??= []).Add(part);
            }
        }

        if (other is not null)
        {
            result.Add(new ChatCompletionMessage { Role = "tool", ToolCallId = message.MessageId, Content = ToContent(other) });
        }
    }

    private static MessageContent? ToContent(List<ContentPart> parts)
    {
        if (parts.Count == 0)
        {
            return null;
        }

        if (parts.Count == 1 && parts[0].Type == "text")
        {
            return new MessageContent { Text = parts[0].Text };
        }

        return new MessageContent { Parts = parts };
    }

    /// <summary>Maps one content item to a wire part; <see langword="null"/> for items with no part of their own.</summary>
    /// <param name="content">The content.</param>
    /// <returns>The part, or <see langword="null"/>.</returns>
    public static ContentPart? MapPart(AIContent content) => content switch
    {
        TextContent text => new ContentPart { Type = "text", Text = text.Text },
        DataContent data when data.HasTopLevelMediaType("image") =>
            new ContentPart { Type = "image_url", ImageUrl = new ImageUrlPart { Url = data.Uri, Detail = DetailOf(data) } },
        DataContent data when data.HasTopLevelMediaType("audio") =>
            new ContentPart { Type = "input_audio", InputAudio = new InputAudioPart { Data = data.Base64Data.ToString(), Format = AudioFormat(data.MediaType) } },
        DataContent data =>
            new ContentPart { Type = "file", File = new FilePart { Filename = data.Name ?? DefaultFileName(data.MediaType), FileData = data.Uri } },
        UriContent uri when uri.HasTopLevelMediaType("image") =>
            new ContentPart { Type = "image_url", ImageUrl = new ImageUrlPart { Url = uri.Uri.ToString(), Detail = DetailOf(uri) } },
        UriContent uri =>
            new ContentPart { Type = "file", File = new FilePart { Filename = FileNameOf(uri.Uri, uri.MediaType), FileData = uri.Uri.ToString() } },
        HostedFileContent hosted => new ContentPart { Type = "file", File = new FilePart { FileId = hosted.FileId, Filename = hosted.Name } },
        _ => null,
    };

    private static string? DetailOf(AIContent content) =>
        content.AdditionalProperties?.TryGetValue(OpenAIPropertyKeys.ImageDetail, out var value) == true ? value?.ToString() : null;

    private static string AudioFormat(string mediaType)
    {
        var subtype = mediaType.AsSpan(mediaType.IndexOf('/') + 1);
        var semicolon = subtype.IndexOf(';');
        if (semicolon >= 0)
        {
            subtype = subtype[..semicolon];
        }

        return subtype switch
        {
            "mpeg" or "mp3" or "mpeg3" or "x-mpeg-3" => "mp3",
            "wav" or "x-wav" or "wave" or "vnd.wave" => "wav",
            _ => subtype.ToString(),
        };
    }

    private static string DefaultFileName(string mediaType) => mediaType switch
    {
        "application/pdf" => "document.pdf",
        "text/plain" => "document.txt",
        "text/markdown" => "document.md",
        "text/csv" => "document.csv",
        "application/json" => "document.json",
        _ => "file",
    };

    private static string FileNameOf(Uri uri, string mediaType)
    {
        if (uri.IsAbsoluteUri && !string.IsNullOrEmpty(uri.AbsolutePath))
        {
            var name = Path.GetFileName(uri.AbsolutePath);
            if (!string.IsNullOrEmpty(name))
            {
                return name;
            }
        }

        return DefaultFileName(mediaType);
    }

    /// <summary>Reads the <c>extra_content</c> a call carries (Gemini's thought signature), as the response mapping stored it or as JSON text.</summary>
    /// <param name="call">The call.</param>
    /// <returns>The extra content, or <see langword="null"/>.</returns>
    public static JsonElement? ExtraContentOf(FunctionCallContent call) =>
        call.AdditionalProperties?.TryGetValue(OpenAIPropertyKeys.ExtraContent, out var value) == true ? value switch
        {
            JsonElement { ValueKind: JsonValueKind.Object } element => element,
            string json when !string.IsNullOrWhiteSpace(json) => ParseElement(json),
            _ => null,
        } : null;

    /// <summary>Reads the raw <c>reasoning_details</c> a <see cref="TextReasoningContent"/> carries, wherever the mapping or a caller put it.</summary>
    /// <param name="content">The reasoning content.</param>
    /// <returns>The details, or <see langword="null"/>.</returns>
    public static JsonElement? ReasoningDetailsOf(TextReasoningContent content)
    {
        if (content.AdditionalProperties?.TryGetValue(OpenAIPropertyKeys.ReasoningDetails, out var value) == true)
        {
            switch (value)
            {
                case JsonElement element when element.ValueKind is JsonValueKind.Array or JsonValueKind.Object:
                    return element;
                case string json when !string.IsNullOrWhiteSpace(json):
                    return ParseElement(json);
            }
        }

        if (content.RawRepresentation is JsonElement raw && raw.ValueKind is JsonValueKind.Array or JsonValueKind.Object)
        {
            return raw;
        }

        if (!string.IsNullOrWhiteSpace(content.ProtectedData) && content.ProtectedData.TrimStart().StartsWith('['))
        {
            return ParseElement(content.ProtectedData);
        }

        return null;
    }

    private static JsonElement ParseElement(string json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, OpenAIWireJsonContext.Default.JsonElement);
        }
        catch (JsonException ex)
        {
            throw new ArgumentException("A TextReasoningContent carries 'reasoning_details' that are not valid JSON; send back the content exactly as the client returned it.", nameof(json), ex);
        }
    }

    private static void ApplyOptions(ChatCompletionRequest request, ChatOptions options)
    {
        request.Temperature = options.Temperature;
        request.TopP = options.TopP;
        request.TopK = options.TopK;
        request.MaxTokens = options.MaxOutputTokens;
        request.Seed = options.Seed;
        request.FrequencyPenalty = options.FrequencyPenalty;
        request.PresencePenalty = options.PresencePenalty;
        if (options.StopSequences is { Count: > 0 } stop)
        {
            request.Stop = [.. stop];
        }

        bool? strict = options.AdditionalProperties?.TryGetValue(OpenAIPropertyKeys.StrictJsonSchema, out var strictValue) == true ? AsBool(strictValue) : null;

        if (options.Tools is { Count: > 0 } tools)
        {
            foreach (var tool in tools)
            {
                if (tool is AIFunctionDeclaration function)
                {
                    (request.Tools ??= []).Add(new ToolDefinition
                    {
                        Function = new FunctionDefinition
                        {
                            Name = function.Name,
                            Description = string.IsNullOrEmpty(function.Description) ? null : function.Description,
                            Parameters = function.JsonSchema,
                            Strict = function.AdditionalProperties.TryGetValue(OpenAIPropertyKeys.StrictJsonSchema, out var s) ? AsBool(s) : strict,
                        },
                    });
                }
            }

            if (request.Tools is not null)
            {
                request.ParallelToolCalls = options.AllowMultipleToolCalls;
            }
        }

        // tool_choice without tools is rejected by OpenAI-compatible servers: it is only sent with the tools it chooses among.
        request.ToolChoice = request.Tools is null ? null : options.ToolMode switch
        {
            null => null,
            NoneChatToolMode => new ToolChoice { Mode = "none" },
            AutoChatToolMode => new ToolChoice { Mode = "auto" },
            RequiredChatToolMode { RequiredFunctionName: { } name } => new ToolChoice { FunctionName = name },
            RequiredChatToolMode => new ToolChoice { Mode = "required" },
            _ => null,
        };

        request.ResponseFormat = options.ResponseFormat switch
        {
            null => null,
            ChatResponseFormatText => new ResponseFormat { Type = "text" },
            ChatResponseFormatJson { Schema: { } schema } json => new ResponseFormat
            {
                Type = "json_schema",
                JsonSchema = new JsonSchemaFormat
                {
                    Name = string.IsNullOrWhiteSpace(json.SchemaName) ? "response" : json.SchemaName,
                    Description = json.SchemaDescription,
                    Schema = schema,
                    Strict = strict,
                },
            },
            ChatResponseFormatJson => new ResponseFormat { Type = "json_object" },
            _ => null,
        };

        if (options.Reasoning?.Effort is { } effort)
        {
            request.ReasoningEffort = EffortName(effort);
        }

        if (options.AdditionalProperties?.TryGetValue(OpenAIPropertyKeys.User, out var user) == true && user is not null)
        {
            request.User = user.ToString();
        }
    }

    /// <summary>Gets the wire name of a reasoning effort.</summary>
    /// <param name="effort">The effort.</param>
    /// <returns><c>none</c>, <c>low</c>, <c>medium</c>, <c>high</c> or <c>xhigh</c>.</returns>
    public static string EffortName(ReasoningEffort effort) => effort switch
    {
        ReasoningEffort.None => "none",
        ReasoningEffort.Low => "low",
        ReasoningEffort.Medium => "medium",
        ReasoningEffort.High => "high",
        ReasoningEffort.ExtraHigh => "xhigh",
        _ => effort.ToString().ToLowerInvariant(),
    };

    private static bool? AsBool(object? value) => value switch
    {
        bool b => b,
        string s when bool.TryParse(s, out var parsed) => parsed,
        JsonElement { ValueKind: JsonValueKind.True } => true,
        JsonElement { ValueKind: JsonValueKind.False } => false,
        _ => null,
    };

    /// <summary>Serializes a pass-through value to JSON.</summary>
    /// <param name="value">The value: a <see cref="JsonElement"/>, a primitive, or a type known to <see cref="AIJsonUtilities.DefaultOptions"/>.</param>
    /// <returns>The JSON.</returns>
    public static JsonElement ToJsonElement(object? value) => value switch
    {
        null => NullElement,
        JsonElement element => element,
        JsonDocument document => document.RootElement.Clone(),
        _ => JsonSerializer.SerializeToElement(value, CompactOptions.GetTypeInfo(value.GetType())),
    };

    private static JsonSerializerOptions CreateCompactOptions()
    {
        var options = new JsonSerializerOptions(AIJsonUtilities.DefaultOptions) { WriteIndented = false };
        options.MakeReadOnly();
        return options;
    }

    internal static string SerializeArguments(IDictionary<string, object?>? arguments) =>
        arguments is null ? "{}" : JsonSerializer.Serialize(arguments, CompactOptions.GetTypeInfo(typeof(IDictionary<string, object?>)));

    private static string SerializeResult(FunctionResultContent result) => result.Result switch
    {
        null when result.Exception is { } ex => $"Error: {ex.Message}",
        null => string.Empty,
        string s => s,
        JsonElement { ValueKind: JsonValueKind.String } e => e.GetString() ?? string.Empty,
        JsonElement e => e.GetRawText(),
        TextContent text => text.Text,
        var other => JsonSerializer.Serialize(other, CompactOptions.GetTypeInfo(other.GetType())),
    };
}
