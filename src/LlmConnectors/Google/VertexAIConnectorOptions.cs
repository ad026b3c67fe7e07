using Google.Apis.Auth.OAuth2;

namespace LlmConnectors;

/// <summary>
/// Settings of <see cref="VertexAIConnectorChatClient"/>, Gemini on Vertex AI through its OpenAI-compatible endpoint, authenticated
/// with Google application-default credentials.
/// </summary>
public sealed class VertexAIConnectorOptions
{
    /// <summary>The environment variable read when <see cref="ProjectId"/> is not set.</summary>
    public const string ProjectEnvironmentVariable = "GOOGLE_CLOUD_PROJECT";

    /// <summary>The environment variable that names a credentials file for application-default credentials.</summary>
    public const string CredentialsEnvironmentVariable = "GOOGLE_APPLICATION_CREDENTIALS";

    /// <summary>The OAuth scope the access tokens are requested for.</summary>
    public const string Scope = "https://www.googleapis.com/auth/cloud-platform";

    /// <summary>Gets or sets the Google Cloud project id; <c>GOOGLE_CLOUD_PROJECT</c>, then the credentials file's <c>project_id</c> or <c>quota_project_id</c>, when unset.</summary>
    public string? ProjectId { get; set; }

    /// <summary>Gets or sets the Vertex AI location (<c>global</c>, <c>us-central1</c>, <c>europe-west4</c>, ...). Default: <c>global</c>.</summary>
    public string Location { get; set; } = "global";

    /// <summary>Gets or sets the OpenAI-compatible base address; computed from <see cref="ProjectId"/> and <see cref="Location"/> when <see langword="null"/>.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>
    /// Gets or sets a credentials file (a service-account key or an <c>authorized_user</c> file from <c>gcloud auth application-default login</c>);
    /// application-default credentials (<c>GOOGLE_APPLICATION_CREDENTIALS</c>, gcloud's file, the metadata server) when unset.
    /// </summary>
    public string? CredentialsFile { get; set; }

    /// <summary>Gets or sets a credential set in code; it wins over <see cref="CredentialsFile"/> and application-default credentials.</summary>
    public GoogleCredential? Credential { get; set; }

    /// <summary>Gets or sets the model used when a request does not name one (Vertex AI names Google's models <c>google/...</c>). Default: <c>google/gemini-2.5-flash</c>.</summary>
    public string? ModelId { get; set; } = "google/gemini-2.5-flash";

    /// <summary>Gets or sets the HTTP client for the model requests; one is created (and disposed with the client) when <see langword="null"/>.</summary>
    public HttpClient? HttpClient { get; set; }

    /// <summary>Gets or sets the transport-retry settings (the one retry policy of this leaf).</summary>
    public TransportRetryOptions Retry { get; set; } = new();

    /// <summary>Gets or sets the time allowed for each attempt until the response starts; <see langword="null"/> for no limit. Default: 10 minutes.</summary>
    public TimeSpan? Timeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Gets or sets the clock used for retry delays and timeouts.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Gets the credentials file to read: <see cref="CredentialsFile"/>, else <c>GOOGLE_APPLICATION_CREDENTIALS</c>.</summary>
    /// <returns>The path, or <see langword="null"/> when application-default credentials are looked up elsewhere.</returns>
    public string? ResolveCredentialsFile() => LeafOptionsChecks.FirstNonBlank(CredentialsFile, CredentialsEnvironmentVariable);

    /// <summary>Gets the project: <see cref="ProjectId"/>, else <c>GOOGLE_CLOUD_PROJECT</c>, else the credentials file's project.</summary>
    /// <returns>The project id, or <see langword="null"/>.</returns>
    public string? ResolveProjectId() =>
        LeafOptionsChecks.FirstNonBlank(ProjectId, ProjectEnvironmentVariable) ?? GoogleCredentialsFile.TryRead(ResolveCredentialsFile())?.ProjectId;

    /// <summary>Gets the OpenAI-compatible base address: <see cref="Endpoint"/>, or Vertex AI's <c>.../v1/projects/{project}/locations/{location}/endpoints/openapi</c>.</summary>
    /// <returns>The address.</returns>
    /// <exception cref="InvalidOperationException">No endpoint is set and no project is found.</exception>
    public Uri ResolveEndpoint()
    {
        if (Endpoint is not null)
        {
            return Endpoint;
        }

        var project = ResolveProjectId() ?? throw new InvalidOperationException(MissingProjectMessage("VertexAI"));
        var host = string.Equals(Location, "global", StringComparison.OrdinalIgnoreCase) ? "aiplatform.googleapis.com" : $"{Location}-aiplatform.googleapis.com";
        return new Uri($"https://{host}/v1/projects/{Uri.EscapeDataString(project)}/locations/{Uri.EscapeDataString(Location)}/endpoints/openapi");
    }

    /// <summary>Checks the settings and returns one message per problem, naming the setting.</summary>
    /// <param name="sectionName">The configuration path of these settings, used in the messages.</param>
    /// <returns>The problems found; empty when the settings are valid.</returns>
    public IReadOnlyList<string> Validate(string sectionName = "VertexAI")
    {
        var errors = new List<string>();
        if (Endpoint is null && ResolveProjectId() is null)
        {
            errors.Add(MissingProjectMessage(sectionName));
        }

        if (string.IsNullOrWhiteSpace(Location) || Location.Any(c => !(char.IsAsciiLetterOrDigit(c) || c == '-')))
        {
            errors.Add($"{sectionName}:Location is '{Location}'; it must be a Vertex AI location such as global, us-central1 or europe-west4.");
        }

        if (Credential is null && ResolveCredentialsFile() is { } file && !File.Exists(file))
        {
            errors.Add($"{sectionName}:CredentialsFile (or {CredentialsEnvironmentVariable}) is '{file}', which does not exist; point it at a service-account key or run 'gcloud auth application-default login'.");
        }

        LeafOptionsChecks.CheckCommon(errors, sectionName, Endpoint, "https://aiplatform.googleapis.com/v1/projects/my-project/locations/global/endpoints/openapi", Timeout, ModelId, "google/gemini-2.5-flash", Retry);
        return errors;
    }

    private static string MissingProjectMessage(string sectionName) =>
        $"{sectionName}:ProjectId is not set: set {sectionName}:ProjectId or the {ProjectEnvironmentVariable} environment variable to the Google Cloud project that has Vertex AI enabled.";
}
