namespace LlmConnectors;

/// <summary>
/// Settings of <see cref="OpenAIConnectorChatClient"/>: OpenAI, or any OpenAI-compatible server (Azure OpenAI's <c>/openai/v1</c>
/// endpoint, a local server) through <see cref="Endpoint"/>.
/// </summary>
public sealed class OpenAIConnectorOptions
{
    /// <summary>OpenAI's API address.</summary>
    public static readonly Uri DefaultEndpoint = new("https://api.openai.com/v1");

    /// <summary>The environment variable read when <see cref="ApiKey"/> is not set.</summary>
    public const string ApiKeyEnvironmentVariable = "OPENAI_API_KEY";

    /// <summary>Gets or sets the API key; <c>OPENAI_API_KEY</c> when unset.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Gets or sets the model used when a request does not name one. Default: <c>gpt-4o-mini</c>.</summary>
    public string? ModelId { get; set; } = "gpt-4o-mini";

    /// <summary>
    /// Gets or sets the API base address. Default: <see cref="DefaultEndpoint"/>. For Azure OpenAI use
    /// <c>https://{resource}.openai.azure.com/openai/v1</c>; any server that speaks OpenAI's chat completions works.
    /// </summary>
    public Uri Endpoint { get; set; } = DefaultEndpoint;

    /// <summary>Gets or sets the OpenAI organization id sent with each request, or <see langword="null"/>.</summary>
    public string? OrganizationId { get; set; }

    /// <summary>Gets or sets the OpenAI project id sent with each request, or <see langword="null"/>.</summary>
    public string? ProjectId { get; set; }

    /// <summary>Gets or sets the HTTP client the SDK sends with; the SDK's own when <see langword="null"/>.</summary>
    public HttpClient? HttpClient { get; set; }

    /// <summary>
    /// Gets or sets the transport-retry settings. They configure the OpenAI SDK's own retry policy (the SDK's pipeline retries, with
    /// these attempts and delays and <c>Retry-After</c> bounded by <see cref="TransportRetryOptions.MaxDelay"/>); nothing else retries.
    /// </summary>
    public TransportRetryOptions Retry { get; set; } = new();

    /// <summary>Gets or sets the SDK's network timeout per attempt; <see langword="null"/> for the SDK's default (100 s). Default: 10 minutes.</summary>
    public TimeSpan? Timeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Gets the API key: <see cref="ApiKey"/>, else <c>OPENAI_API_KEY</c>.</summary>
    /// <returns>The key, or <see langword="null"/>.</returns>
    public string? ResolveApiKey() => LeafOptionsChecks.FirstNonBlank(ApiKey, ApiKeyEnvironmentVariable);

    /// <summary>Checks the settings and returns one message per problem, naming the setting.</summary>
    /// <param name="sectionName">The configuration path of these settings, used in the messages.</param>
    /// <returns>The problems found; empty when the settings are valid.</returns>
    public IReadOnlyList<string> Validate(string sectionName = "OpenAI")
    {
        var errors = new List<string>();
        if (ResolveApiKey() is null)
        {
            errors.Add($"{sectionName}:ApiKey is not set: set {sectionName}:ApiKey or the {ApiKeyEnvironmentVariable} environment variable to an OpenAI API key (https://platform.openai.com/api-keys), or the key of the server {sectionName}:Endpoint names.");
        }

        if (ModelId is null)
        {
            errors.Add($"{sectionName}:ModelId is not set; set a model id such as gpt-4o-mini (the OpenAI SDK's chat client needs a default model).");
        }

        LeafOptionsChecks.CheckCommon(errors, sectionName, Endpoint, DefaultEndpoint.ToString(), Timeout, ModelId, "gpt-4o-mini", Retry);
        return errors;
    }
}
