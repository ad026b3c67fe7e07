using Microsoft.Extensions.AI;

namespace LlmConnectors.ClaudeProxy.Mapping;

/// <summary>A chat completion request translated to Microsoft.Extensions.AI terms.</summary>
/// <param name="RequestedModel">The model id the client sent (returned in responses).</param>
/// <param name="Messages">The conversation.</param>
/// <param name="Options">The options for the chat client, <see cref="ChatOptions.ModelId"/> set to the CLI model.</param>
/// <param name="Stream">Whether the client asked for server-sent events.</param>
/// <param name="IncludeUsage">Whether a streamed response ends with a usage chunk.</param>
/// <param name="IgnoredParameters">Parameters the CLI cannot honour that were ignored (only with <c>UnsupportedParameters=Ignore</c>).</param>
/// <param name="User">The client's <c>user</c> value, for logs.</param>
internal sealed record MappedRequest(
    string RequestedModel,
    List<ChatMessage> Messages,
    ChatOptions Options,
    bool Stream,
    bool IncludeUsage,
    List<string> IgnoredParameters,
    string? User);
