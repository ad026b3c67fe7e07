using System.Net;
using System.Text.Json;
using LlmConnectors.ClaudeProxy.Configuration;
using LlmConnectors.ClaudeProxy.Http;
using LlmConnectors.Multimodal;
using LlmConnectors.OpenAICompatible;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace LlmConnectors.ClaudeProxy.Mapping;

/// <summary>
/// Translates an OpenAI chat completion request into messages and <see cref="ChatOptions"/>, and rejects (or, by the host's
/// choice, ignores and reports) every parameter the Claude CLI cannot honour.
/// </summary>
internal sealed class ChatRequestMapper(ModelCatalog models, RemoteImageDownloader imageDownloader, IOptions<ClaudeProxyOptions> options)
{
    /// <summary>The image types Claude models read.</summary>
    private static readonly string[] SupportedImageTypes = ["image/png", "image/jpeg", "image/gif", "image/webp"];

    private const string PdfMediaType = "application/pdf";

    private readonly ClaudeProxyOptions _options = options.Value;

    private readonly RemoteImageRules _imageRules = new()
    {
        MaxBytes = options.Value.MaxRemoteImageBytes,
        Timeout = options.Value.RemoteImageTimeout,
        AllowedHosts = options.Value.RemoteImageHosts,
        AllowPrivateNetworks = options.Value.AllowPrivateNetworkImages,
        AcceptedMediaTypes = SupportedImageTypes,
        MaxBytesSetting = $"{ClaudeProxyOptions.SectionName}:{nameof(ClaudeProxyOptions.MaxRemoteImageBytes)}",
        TimeoutSetting = $"{ClaudeProxyOptions.SectionName}:{nameof(ClaudeProxyOptions.RemoteImageTimeout)}",
        AllowedHostsSetting = $"{ClaudeProxyOptions.SectionName}:{nameof(ClaudeProxyOptions.RemoteImageHosts)}",
        AllowPrivateNetworksSetting = $"{ClaudeProxyOptions.SectionName}:{nameof(ClaudeProxyOptions.AllowPrivateNetworkImages)}",
    };

    /// <summary>Maps a request.</summary>
    /// <param name="request">The parsed body.</param>
    /// <param name="cancellationToken">The request's token (remote image downloads).</param>
    /// <returns>The mapped request, or the error to answer with.</returns>
    public async Task<(MappedRequest? Request, ProxyError? Error)> MapAsync(ChatCompletionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);

        if (string.IsNullOrWhiteSpace(request.Model))
        {
            return Fail(ProxyError.BadRequest("Missing required parameter: 'model'. Use one of: " + string.Join(", ", models.ModelIds) + ".", "model", "missing_required_parameter"));
        }

        if (!models.TryResolve(request.Model, out var cliModel))
        {
            return Fail(new ProxyError(
                HttpStatusCode.NotFound,
                $"The model '{ClientText.Quote(request.Model)}' does not exist on this proxy. Use one of: {string.Join(", ", models.ModelIds)} (GET /v1/models lists them).",
                "invalid_request_error",
                "model",
                "model_not_found"));
        }

        if (request.Messages is null)
        {
            return Fail(ProxyError.BadRequest("Missing required parameter: 'messages'.", "messages", "missing_required_parameter"));
        }

        if (request.Messages.Count == 0)
        {
            return Fail(ProxyError.BadRequest("'messages' is empty; send at least one message.", "messages", "empty_array"));
        }

        if (request.Messages.Count > _options.MaxMessages)
        {
            return Fail(ProxyError.BadRequest($"'messages' has {request.Messages.Count} messages; this proxy accepts at most {_options.MaxMessages} (ClaudeProxy:MaxMessages).", "messages", "too_many_messages"));
        }

        var unsupported = FindUnsupportedParameters(request);
        if (unsupported.Count > 0 && _options.UnsupportedParameters == UnsupportedParameterHandling.Reject)
        {
            var (param, reason) = unsupported[0];
            return Fail(ProxyError.BadRequest(
                $"The parameter '{param}' is not supported by this proxy: {reason}. Remove it, or ask the operator to set ClaudeProxy:UnsupportedParameters=Ignore.",
                param,
                "unsupported_parameter"));
        }

        // Sampling values travel on as ChatOptions: a host-registered client that honours them gets them; the Claude CLI client
        // serves the request without them and reports them, under the same policy (ClaudeCliOptions.UnsupportedOptions).
        var chatOptions = new ChatOptions
        {
            ModelId = cliModel,
            Temperature = request.Temperature,
            TopP = request.TopP,
            TopK = request.TopK,
            StopSequences = request.Stop is { Count: > 0 } stop ? [.. stop] : null,
            Seed = request.Seed,
            FrequencyPenalty = request.FrequencyPenalty is 0 ? null : request.FrequencyPenalty,
            PresencePenalty = request.PresencePenalty is 0 ? null : request.PresencePenalty,
        };
        if (ToolMapper.MapTools(request, chatOptions) is { } toolError)
        {
            return Fail(toolError);
        }

        var maxTokens = request.MaxCompletionTokens ?? request.MaxTokens;
        if (maxTokens is { } max)
        {
            if (max < 1)
            {
                var param = request.MaxCompletionTokens is not null ? "max_completion_tokens" : "max_tokens";
                return Fail(ProxyError.BadRequest($"'{param}' is {max}; it must be at least 1.", param, "invalid_value"));
            }

            chatOptions.MaxOutputTokens = max;
        }

        if (request.ResponseFormat is { } format)
        {
            switch (format.Type)
            {
                case null or "text":
                    break;
                case "json_object":
                    chatOptions.ResponseFormat = ChatResponseFormat.Json;
                    break;
                case "json_schema":
                    if (format.JsonSchema?.Schema is not { ValueKind: JsonValueKind.Object } schema)
                    {
                        return Fail(ProxyError.BadRequest("'response_format.json_schema.schema' must be a JSON Schema object.", "response_format.json_schema.schema", "invalid_value"));
                    }

                    chatOptions.ResponseFormat = ChatResponseFormat.ForJsonSchema(schema, format.JsonSchema.Name, format.JsonSchema.Description);
                    break;
                default:
                    return Fail(ProxyError.BadRequest($"'response_format.type' is '{ClientText.Quote(format.Type)}'; it must be 'text', 'json_object' or 'json_schema'.", "response_format.type", "invalid_value"));
            }
        }

        var messages = new List<ChatMessage>(request.Messages.Count);
        for (var i = 0; i < request.Messages.Count; i++)
        {
            var (message, error) = await MapMessageAsync(request.Messages[i], i, cancellationToken);
            if (error is not null)
            {
                return Fail(error);
            }

            messages.Add(message!);
        }

        var lastTurn = messages.FindLast(m => m.Role != ChatRole.System);
        if (lastTurn is null || (lastTurn.Role != ChatRole.User && lastTurn.Role != ChatRole.Tool))
        {
            return Fail(ProxyError.BadRequest(
                "The conversation must end with a user message or tool results: Claude answers the last user message (assistant prefill is not supported).",
                "messages",
                "invalid_value"));
        }

        var mapped = new MappedRequest(
            request.Model,
            messages,
            chatOptions,
            request.Stream == true,
            request.Stream == true && request.StreamOptions?.IncludeUsage == true,
            [.. unsupported.Select(u => u.Param)],
            request.User);
        return (mapped, null);
    }

    private static (MappedRequest?, ProxyError?) Fail(ProxyError error) => (null, error);

    /// <summary>Lists the parameters the CLI cannot honour, each with the reason.</summary>
    private static List<(string Param, string Reason)> FindUnsupportedParameters(ChatCompletionRequest request)
    {
        var found = new List<(string, string)>();
        if (request.N is { } n && n != 1)
        {
            found.Add(("n", "the CLI produces one choice per request; send n=1 or leave it out"));
        }

        if (request.Temperature is not null)
        {
            found.Add(("temperature", "the Claude CLI has no sampling-temperature setting"));
        }

        if (request.TopP is not null)
        {
            found.Add(("top_p", "the Claude CLI has no nucleus-sampling setting"));
        }

        if (request.TopK is not null)
        {
            found.Add(("top_k", "the Claude CLI has no top-k setting"));
        }

        if (request.Stop is { Count: > 0 })
        {
            found.Add(("stop", "the Claude CLI has no stop-sequence setting"));
        }

        if (request.Seed is not null)
        {
            found.Add(("seed", "the Claude CLI has no seed setting"));
        }

        if (request.FrequencyPenalty is { } fp && fp != 0)
        {
            found.Add(("frequency_penalty", "Claude models have no frequency penalty"));
        }

        if (request.PresencePenalty is { } pp && pp != 0)
        {
            found.Add(("presence_penalty", "Claude models have no presence penalty"));
        }

        if (request.ParallelToolCalls == false && request.Tools is { Count: > 0 })
        {
            found.Add(("parallel_tool_calls", "the Claude CLI cannot keep the model from calling several tools at once"));
        }

        if (request.ReasoningEffort is not null)
        {
            found.Add(("reasoning_effort", "the proxy does not set the Claude CLI's thinking budget per request"));
        }

        if (request.ExtensionData is { } extra)
        {
            foreach (var (name, value) in extra)
            {
                if (!IsHarmlessExtra(name, value))
                {
                    found.Add((name, "the Claude CLI cannot honour it"));
                }
            }
        }

        return found;
    }

    /// <summary>Parameters that ask for nothing the proxy would fail to do (their default values).</summary>
    private static bool IsHarmlessExtra(string name, JsonElement value) => name switch
    {
        "logprobs" or "store" => value.ValueKind is JsonValueKind.False or JsonValueKind.Null,
        "top_logprobs" or "logit_bias" or "metadata" or "prediction" or "audio" or "modalities" =>
            value.ValueKind is JsonValueKind.Null || (name == "modalities" && value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(m => m.ValueKind == JsonValueKind.String && m.GetString() == "text")),
        "service_tier" => value.ValueKind is JsonValueKind.Null || (value.ValueKind == JsonValueKind.String && value.GetString() is "auto" or "default"),
        _ => false,
    };

    private async Task<(ChatMessage?, ProxyError?)> MapMessageAsync(ChatCompletionMessage wire, int index, CancellationToken cancellationToken)
    {
        var at = $"messages[{index}]";
        ChatRole role;
        switch (wire.Role)
        {
            case "system" or "developer":
                role = ChatRole.System;
                break;
            case "user":
                role = ChatRole.User;
                break;
            case "assistant":
                role = ChatRole.Assistant;
                break;
            case "tool":
                return ToolMapper.MapToolMessage(wire, at);
            case "function":
                return (null, ProxyError.BadRequest($"'{at}.role' is 'function', the deprecated form of tool results; send 'tool' messages with 'tool_call_id'.", $"{at}.role", "unsupported_role"));
            case null:
                return (null, ProxyError.BadRequest($"Missing required parameter: '{at}.role'.", $"{at}.role", "missing_required_parameter"));
            default:
                return (null, ProxyError.BadRequest($"'{at}.role' is '{ClientText.Quote(wire.Role)}'; it must be 'system', 'developer', 'user' or 'assistant'.", $"{at}.role", "invalid_value"));
        }

        var contents = new List<AIContent>();
        // An assistant message that calls tools may come with empty text (MEAI's OpenAI client sends the text it streamed, "", as a
        // text part; other clients send "content": ""): the calls are its content, and empty text carries nothing to keep.
        var blankTextAllowed = role == ChatRole.Assistant && wire.ToolCalls is { Count: > 0 };
        if (wire.Content?.Text is { } text && !(blankTextAllowed && string.IsNullOrWhiteSpace(text)))
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                // The model's API refuses empty text; answering here names the field instead of failing upstream with a 502.
                return (null, ProxyError.BadRequest(
                    $"'{at}.content' is {(text.Length == 0 ? "an empty string" : "white space only")}; a {wire.Role} message needs text. Send the text, or leave the message out.",
                    $"{at}.content",
                    "invalid_value"));
            }

            contents.Add(new TextContent(text));
        }
        else if (wire.Content?.Parts is { } parts)
        {
            for (var j = 0; j < parts.Count; j++)
            {
                if (blankTextAllowed && parts[j] is { Type: "text" } blank && string.IsNullOrWhiteSpace(blank.Text))
                {
                    continue;
                }

                var (content, error) = await MapPartAsync(parts[j], role, $"{at}.content[{j}]", cancellationToken);
                if (error is not null)
                {
                    return (null, error);
                }

                contents.Add(content!);
            }
        }

        if (wire.ToolCalls is { Count: > 0 } calls)
        {
            if (role != ChatRole.Assistant)
            {
                return (null, ProxyError.BadRequest($"'{at}.tool_calls' is only allowed in assistant messages.", $"{at}.tool_calls", "invalid_value"));
            }

            if (ToolMapper.MapCalls(calls, at, contents) is { } callError)
            {
                return (null, callError);
            }
        }

        if (contents.Count == 0)
        {
            // Nothing may be dropped silently: a message with no content would vanish on its way to the model.
            return (null, ProxyError.BadRequest($"'{at}.content' is missing or empty; a {wire.Role} message needs content. Send its text, or leave the message out.", $"{at}.content", "missing_required_parameter"));
        }

        return (new ChatMessage(role, contents) { AuthorName = wire.Name }, null);
    }

    private async Task<(AIContent?, ProxyError?)> MapPartAsync(ContentPart part, ChatRole role, string at, CancellationToken cancellationToken)
    {
        switch (part.Type)
        {
            case "text":
                if (part.Text is null)
                {
                    return (null, ProxyError.BadRequest($"'{at}.text' is missing.", $"{at}.text", "missing_required_parameter"));
                }

                return string.IsNullOrWhiteSpace(part.Text)
                    ? (null, ProxyError.BadRequest($"'{at}.text' is {(part.Text.Length == 0 ? "an empty string" : "white space only")}; the model's API refuses empty text parts. Remove the part or give it text.", $"{at}.text", "invalid_value"))
                    : (new TextContent(part.Text), null);

            case "image_url" when role != ChatRole.User:
            case "file" when role != ChatRole.User:
                return (null, ProxyError.BadRequest($"'{at}' is an {part.Type} part in a {role.Value} message; images and files are accepted in user messages only.", at, "invalid_value"));

            case "image_url":
                return await MapImageAsync(part.ImageUrl?.Url, $"{at}.image_url.url", cancellationToken);

            case "file":
                if (part.File?.FileData is not { } fileData || !fileData.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
                {
                    return (null, ProxyError.BadRequest($"'{at}.file' must carry 'file_data' as a data: URL (uploaded file ids are not supported).", $"{at}.file.file_data", "invalid_value"));
                }

                return ParseDataUrl(fileData, $"{at}.file.file_data", imageOnly: false, part.File.Filename);

            case "input_audio":
                return (null, ProxyError.BadRequest($"'{at}' is an input_audio part; Claude models do not accept audio.", at, "unsupported_content"));

            case null:
                return (null, ProxyError.BadRequest($"Missing required parameter: '{at}.type'.", $"{at}.type", "missing_required_parameter"));

            default:
                return (null, ProxyError.BadRequest($"'{at}.type' is '{ClientText.Quote(part.Type)}'; it must be 'text', 'image_url' or 'file'.", $"{at}.type", "invalid_value"));
        }
    }

    private async Task<(AIContent?, ProxyError?)> MapImageAsync(string? url, string param, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(url))
        {
            return (null, ProxyError.BadRequest($"Missing required parameter: '{param}'.", param, "missing_required_parameter"));
        }

        if (url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            return ParseDataUrl(url, param, imageOnly: true, name: null);
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            return (null, ProxyError.BadRequest($"'{param}' must be a data: URL (data:image/png;base64,...) or an http(s) URL.", param, "invalid_image_url"));
        }

        if (!_options.AllowRemoteImages)
        {
            return (null, ProxyError.BadRequest(
                $"'{param}' is a remote URL, which this proxy does not download; send the image inline as a data: URL (data:image/png;base64,...). The operator can allow downloads with ClaudeProxy:AllowRemoteImages=true.",
                param,
                "remote_image_not_allowed"));
        }

        try
        {
            var reference = uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);
            var (data, mediaType) = await imageDownloader.DownloadAsync(uri, reference, _imageRules, cancellationToken);
            return (new DataContent(data, mediaType), null);
        }
        catch (MultimodalPreprocessingException e)
        {
            // The downloader's messages carry no query string and name the setting to change.
            return (null, ProxyError.BadRequest($"The image at '{param}' could not be used: {e.Message}", param, "invalid_image_url"));
        }
    }

    private static (AIContent?, ProxyError?) ParseDataUrl(string url, string param, bool imageOnly, string? name)
    {
        DataContent content;
        try
        {
            content = new DataContent(url);
        }
        catch (FormatException)
        {
            return (null, ProxyError.BadRequest($"'{param}' is not a valid data: URL; expected data:<media type>;base64,<data>.", param, "invalid_value"));
        }
        catch (ArgumentException)
        {
            return (null, ProxyError.BadRequest($"'{param}' is not a valid data: URL; expected data:<media type>;base64,<data>.", param, "invalid_value"));
        }

        var isImage = SupportedImageTypes.Contains(content.MediaType, StringComparer.OrdinalIgnoreCase);
        if (imageOnly && !isImage)
        {
            return (null, ProxyError.BadRequest($"'{param}' has media type '{ClientText.Quote(content.MediaType)}'; an image_url must be an image the model reads: {string.Join(", ", SupportedImageTypes)}. Convert the image to one of them.", param, "invalid_value"));
        }

        if (!imageOnly && !isImage && !string.Equals(content.MediaType, PdfMediaType, StringComparison.OrdinalIgnoreCase))
        {
            // Claude reads images and PDF documents; any other file would be dropped on its way to the model, so it is refused here.
            return (null, ProxyError.BadRequest(
                $"'{param}' has media type '{ClientText.Quote(content.MediaType)}'; a file part must be a PDF ({PdfMediaType}) or an image ({string.Join(", ", SupportedImageTypes)}). Send the contents of a text file as a text part instead.",
                param,
                "unsupported_content"));
        }

        if (name is not null)
        {
            content.Name = name;
        }

        return (content, null);
    }
}
