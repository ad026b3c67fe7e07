namespace LlmConnectors;

/// <summary>Settings of <see cref="GeminiConnectorChatClient"/>, the Gemini API (API key) through Google's OpenAI-compatible endpoint.</summary>
public sealed class GeminiConnectorOptions
{
    /// <summary>Google's OpenAI-compatible Gemini API endpoint.</summary>
    public static readonly Uri DefaultEndpoint = new("https://generativelanguage.googleapis.com/v1beta/openai/");

    /// <summary>The environment variable read when <see cref="ApiKey"/> is not set.</summary>
    public const string ApiKeyEnvironmentVariable = "GEMINI_API_KEY";

    /// <summary>The environment variable read when neither <see cref="ApiKey"/> nor <see cref="ApiKeyEnvironmentVariable"/> is set.</summary>
    public const string AlternateApiKeyEnvironmentVariable = "GOOGLE_API_KEY";

    /// <summary>Gets or sets the Gemini API key (from https://aistudio.google.com/apikey); <see cref="ApiKeyEnvironmentVariable"/> or <see cref="AlternateApiKeyEnvironmentVariable"/> when unset.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Gets or sets the model used when a request does not name one. Default: <c>gemini-2.5-flash</c>.</summary>
    public string? ModelId { get; set; } = "gemini-2.5-flash";

    /// <summary>Gets or sets the OpenAI-compatible base address. Default: <see cref="DefaultEndpoint"/>.</summary>
    public Uri Endpoint { get; set; } = DefaultEndpoint;

    /// <summary>Gets or sets the HTTP client; one is created (and disposed with the client) when <see langword="null"/>.</summary>
    public HttpClient? HttpClient { get; set; }

    /// <summary>Gets or sets the transport-retry settings (the one retry policy of this leaf).</summary>
    public TransportRetryOptions Retry { get; set; } = new();

    /// <summary>Gets or sets the time allowed for each attempt until the response starts; <see langword="null"/> for no limit. Default: 10 minutes.</summary>
    public TimeSpan? Timeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Gets or sets the clock used for retry delays and timeouts.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Gets the API key: <see cref="ApiKey"/>, else <c>GEMINI_API_KEY</c>, else <c>GOOGLE_API_KEY</c>.</summary>
    /// <returns>The key, or <see langword="null"/> when none is set.</returns>
    public string? ResolveApiKey() => LeafOptionsChecks.FirstNonBlank(ApiKey, ApiKeyEnvironmentVariable, AlternateApiKeyEnvironmentVariable);

    /// <summary>Checks the settings and returns one message per problem, naming the setting.</summary>
    /// <param name="sectionName">The configuration path of these settings, used in the messages.</param>
    /// <returns>The problems found; empty when the settings are valid.</returns>
    public IReadOnlyList<string> Validate(string sectionName = "Gemini")
    {
        var errors = new List<string>();
        if (ResolveApiKey() is null)
        {
            errors.Add($"{sectionName}:ApiKey is not set: set {sectionName}:ApiKey or the {ApiKeyEnvironmentVariable} (or {AlternateApiKeyEnvironmentVariable}) environment variable to a Gemini API key (create one at https://aistudio.google.com/apikey).");
        }

        LeafOptionsChecks.CheckCommon(errors, sectionName, Endpoint, DefaultEndpoint.ToString(), Timeout, ModelId, "gemini-2.5-flash", Retry);
        return errors;
    }
}
