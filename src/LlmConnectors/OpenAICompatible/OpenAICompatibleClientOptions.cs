using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace LlmConnectors.OpenAICompatible;

/// <summary>
/// What a leaf client built on <see cref="OpenAICompatibleChatClient"/> plugs in: where to send, how to authenticate, which
/// extras to add to the body, and how to name itself in errors.
/// </summary>
/// <remarks>The options are read once, by the <see cref="OpenAICompatibleChatClient"/> constructor; do not change them afterwards.</remarks>
internal sealed class OpenAICompatibleClientOptions
{
    /// <summary>Gets the provider name, as in <see cref="ChatClientMetadata.ProviderName"/> and <see cref="LlmConnectorException.Provider"/> (<c>openrouter</c>, <c>claude-proxy</c>).</summary>
    public required string ProviderName { get; init; }

    /// <summary>Gets the human-readable provider name used in error messages (<c>OpenRouter</c>, <c>the Claude proxy</c>).</summary>
    public string? DisplayName { get; init; }

    /// <summary>Gets the API base address; <c>chat/completions</c> and <c>models</c> are resolved against it (a trailing slash is added when missing).</summary>
    public required Uri Endpoint { get; init; }

    /// <summary>Gets the HTTP client that sends the requests.</summary>
    public required HttpClient HttpClient { get; init; }

    /// <summary>Gets a value indicating whether <see cref="OpenAICompatibleChatClient.Dispose"/> disposes <see cref="HttpClient"/> (only when the client created it).</summary>
    public bool DisposeHttpClient { get; init; }

    /// <summary>Gets the model used when <see cref="ChatOptions.ModelId"/> is not set.</summary>
    public string? DefaultModelId { get; init; }

    /// <summary>Gets the configuration path of the default model, used in the error raised when no model is given (<c>OpenRouter:ModelId</c>).</summary>
    public string ModelIdSettingName { get; init; } = "ModelId";

    /// <summary>Gets the configuration path of the API key, used in the messages of 401 errors (<c>OpenRouter:ApiKey</c>).</summary>
    public string? ApiKeySettingName { get; init; }

    /// <summary>Gets the transport-retry settings. Default: <see cref="TransportRetryOptions"/> defaults.</summary>
    public TransportRetryOptions Retry { get; init; } = new();

    /// <summary>Gets the time allowed for each attempt until the response headers arrive (and, for a non-streaming request, its body); <see langword="null"/> for no limit.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Gets the clock used for <c>Retry-After</c> dates and retry delays.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Gets the logger; never given message contents above Trace, never given keys.</summary>
    public ILogger? Logger { get; init; }

    /// <summary>Gets a hook that adds headers to every HTTP request (authentication, attribution).</summary>
    public Action<HttpRequestMessage>? ConfigureHttpRequest { get; init; }

    /// <summary>Gets an asynchronous hook run on every HTTP request after <see cref="ConfigureHttpRequest"/>, for credentials that are fetched and refreshed (Vertex AI access tokens).</summary>
    public Func<HttpRequestMessage, CancellationToken, ValueTask>? AuthorizeHttpRequestAsync { get; init; }

    /// <summary>Gets a hook that maps the requested model id to the id sent on the wire (for example removing a routing prefix).</summary>
    public Func<string, string>? MapModelId { get; init; }

    /// <summary>Gets a hook that adds provider extras to the wire request, after the standard mapping and before pass-through properties are copied.</summary>
    public Action<ChatCompletionRequest, ChatOptions?>? ConfigureRequest { get; init; }

    /// <summary>Gets the <see cref="ChatOptions.AdditionalProperties"/> keys that <see cref="ConfigureRequest"/> consumes, so that they are not passed through raw.</summary>
    public IReadOnlySet<string>? ConsumedAdditionalProperties { get; init; }
}
