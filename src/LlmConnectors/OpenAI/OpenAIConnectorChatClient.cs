using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using OpenAI;

namespace LlmConnectors;

/// <summary>
/// The <c>openai</c> leaf: the official OpenAI SDK's chat client, through Microsoft.Extensions.AI.OpenAI's <c>AsIChatClient</c>, with
/// what the pack's middlewares need around it: failures as <see cref="LlmConnectorException"/> (so failover and retries decide on
/// <see cref="LlmErrorKind"/>), model capabilities, one transport-retry policy (the SDK's own, configured from
/// <see cref="OpenAIConnectorOptions.Retry"/>), and settings validated up front.
/// </summary>
/// <remarks>
/// Streaming, tools, images, JSON schema and reasoning effort are the SDK's. <see cref="ConnectorLeafChatClient.GetService"/> answers
/// <see cref="ChatClientMetadata"/> (provider <c>openai</c>, from the SDK), <see cref="OpenAIConnectorOptions"/>,
/// <see cref="IModelCapabilityProvider"/>, and the SDK's own <c>OpenAI.Chat.ChatClient</c>.
/// </remarks>
public sealed class OpenAIConnectorChatClient : ConnectorLeafChatClient
{
    /// <summary>The provider name in <see cref="ChatClientMetadata.ProviderName"/> and <see cref="LlmConnectorException.Provider"/>.</summary>
    public const string ProviderName = "openai";

    /// <summary>Initializes a new instance of the <see cref="OpenAIConnectorChatClient"/> class.</summary>
    /// <param name="options">The settings: at least an API key (or <c>OPENAI_API_KEY</c>).</param>
    /// <param name="sectionName">The configuration path of the settings, named in error messages.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A setting is missing or invalid; the message names it.</exception>
    public OpenAIConnectorChatClient(OpenAIConnectorOptions options, string sectionName = "OpenAI")
        : this(CreateClient(options, sectionName), options, sectionName)
    {
    }

    private OpenAIConnectorChatClient(OpenAIClient client, OpenAIConnectorOptions options, string sectionName)
        : base(
            client.GetChatClient(options.ModelId).AsIChatClient(),
            options,
            new KnownModelCapabilities(options.ModelId, KnownModelCapabilities.OpenAI),
            (exception, modelId) => OpenAISdkErrors.Translate(exception, modelId ?? options.ModelId, sectionName))
    {
        Options = options;
        _client = client;
    }

    /// <summary>Gets the settings the client was created with.</summary>
    public OpenAIConnectorOptions Options { get; }

    private readonly OpenAIClient _client;

    /// <inheritdoc/>
    private protected override async Task<IReadOnlyList<string>> ListModelsCoreAsync(CancellationToken cancellationToken)
    {
        var models = await _client.GetOpenAIModelClient().GetModelsAsync(cancellationToken).ConfigureAwait(false);
        return [.. models.Value.Select(m => m.Id)];
    }

    private static OpenAIClient CreateClient(OpenAIConnectorOptions options, string sectionName)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate(sectionName);
        if (errors.Count > 0)
        {
            throw new ArgumentException("The OpenAI settings are not valid: " + string.Join(" ", errors), nameof(options));
        }

        var clientOptions = new OpenAIClientOptions
        {
            Endpoint = options.Endpoint,
            OrganizationId = options.OrganizationId,
            ProjectId = options.ProjectId,
            RetryPolicy = new TransportRetryClientPolicy(options.Retry),
            NetworkTimeout = options.Timeout,
        };
        if (options.HttpClient is { } httpClient)
        {
            clientOptions.Transport = new HttpClientPipelineTransport(httpClient);
        }

        return new OpenAIClient(new ApiKeyCredential(options.ResolveApiKey()!), clientOptions);
    }
}
