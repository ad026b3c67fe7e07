using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LlmConnectors;

/// <summary>
/// Decides, for each provider <c>AddLlmConnectors</c> knows, whether its credentials are present: in its configuration section or in
/// the provider's usual environment variables (read from the configuration key of that name first, then the process environment).
/// </summary>
/// <param name="root">The caller's configuration (for variables).</param>
/// <param name="expanded">The provider sections with <c>${NAME}</c> expanded.</param>
internal sealed class LlmProviderDetector(IConfiguration root, IConfiguration expanded)
{
    /// <summary>A detection and the credential found outside the section, to apply to the options.</summary>
    /// <param name="Detection">The detection.</param>
    /// <param name="FromEnvironment">The API key, URL or path found in an environment variable, or <see langword="null"/> when the section has it.</param>
    /// <param name="ProjectId">For Vertex AI: the project found outside the section.</param>
    internal sealed record Result(LlmProviderDetection Detection, string? FromEnvironment = null, string? ProjectId = null);

    /// <summary>Detects an API-key provider.</summary>
    /// <param name="name">The leaf name.</param>
    /// <param name="prefix">The model prefix.</param>
    /// <param name="section">The configuration section.</param>
    /// <param name="variables">The environment variables that may hold the key, in order.</param>
    /// <returns>The result.</returns>
    public Result ApiKey(string name, string prefix, string section, params string[] variables)
    {
        if (Disabled(name, prefix, section) is { } disabled)
        {
            return disabled;
        }

        if (ProviderConfigurationValues.String(expanded.GetSection(section), "ApiKey") is not null)
        {
            return new(new(name, prefix, true, $"{section}:ApiKey is set."));
        }

        foreach (var variable in variables)
        {
            if (EnvironmentReferences.Variable(root, variable) is { } key)
            {
                return new(new(name, prefix, true, $"{variable} is set."), key);
            }
        }

        return new(new(name, prefix, false, $"neither {section}:ApiKey nor {string.Join(" nor ", variables)} is set."));
    }

    /// <summary>Detects Vertex AI: Google application-default credentials and a project.</summary>
    /// <returns>The result; <see cref="Result.FromEnvironment"/> is the credentials file.</returns>
    public Result VertexAI()
    {
        const string Name = VertexAIConnectorServiceCollectionExtensions.ServiceKey, Prefix = "vertex/", Section = "VertexAI";
        if (Disabled(Name, Prefix, Section) is { } disabled)
        {
            return disabled;
        }

        var section = expanded.GetSection(Section);
        string? file;
        string source;
        if (ProviderConfigurationValues.String(section, "CredentialsFile") is { } configured)
        {
            (file, source) = (configured, $"{Section}:CredentialsFile");
        }
        else if (EnvironmentReferences.Variable(root, VertexAIConnectorOptions.CredentialsEnvironmentVariable) is { } fromVariable)
        {
            (file, source) = (fromVariable, VertexAIConnectorOptions.CredentialsEnvironmentVariable);
        }
        else if (File.Exists(GoogleCredentialsFile.WellKnownFile()))
        {
            (file, source) = (GoogleCredentialsFile.WellKnownFile(), "gcloud's application-default credentials file");
        }
        else
        {
            return new(new(Name, Prefix, false,
                $"no Google application-default credentials: set {Section}:CredentialsFile or {VertexAIConnectorOptions.CredentialsEnvironmentVariable} to a service-account key, or run 'gcloud auth application-default login'."));
        }

        var credentials = GoogleCredentialsFile.TryRead(file);
        if (credentials is null)
        {
            return new(new(Name, Prefix, false, $"{source} names '{file}', which does not exist or is not a JSON credentials file."));
        }

        var project = ProviderConfigurationValues.String(section, "ProjectId")
            ?? EnvironmentReferences.Variable(root, VertexAIConnectorOptions.ProjectEnvironmentVariable)
            ?? credentials.ProjectId;
        if (project is null && ProviderConfigurationValues.String(section, "Endpoint") is null)
        {
            return new(new(Name, Prefix, false,
                $"Google credentials were found ({source}) but no project: set {Section}:ProjectId or {VertexAIConnectorOptions.ProjectEnvironmentVariable}."));
        }

        var location = ProviderConfigurationValues.String(section, "Location") ?? "global";
        return new(new(Name, Prefix, true, $"Google credentials ({credentials.Type ?? "unknown type"}) from {source}, project {project ?? "(endpoint set)"}, location {location}."), file, project);
    }

    /// <summary>Detects the Claude CLI: <c>ClaudeCli:ExecutablePath</c>, or <c>claude</c> on <c>PATH</c>.</summary>
    /// <returns>The result.</returns>
    public Result ClaudeCli()
    {
        const string Name = ClaudeCliServiceCollectionExtensions.ServiceKey, Prefix = ModelPrefixes.Claude, Section = "ClaudeCli";
        if (Disabled(Name, Prefix, Section) is { } disabled)
        {
            return disabled;
        }

        var executable = ProviderConfigurationValues.String(expanded.GetSection(Section), "ExecutablePath") ?? "claude";
        if (executable.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal) || executable.Contains(Path.AltDirectorySeparatorChar, StringComparison.Ordinal))
        {
            return File.Exists(executable)
                ? new(new(Name, Prefix, true, $"{Section}:ExecutablePath '{executable}' exists."))
                : new(new(Name, Prefix, false, $"{Section}:ExecutablePath is '{executable}', which does not exist."));
        }

        var found = FindOnPath(executable, EnvironmentReferences.Variable(root, "PATH"));
        return found is not null
            ? new(new(Name, Prefix, true, $"'{executable}' found on PATH at {found}."))
            : new(new(Name, Prefix, false, $"'{executable}' is not on PATH: install Claude Code (npm install -g @anthropic-ai/claude-code) or set {Section}:ExecutablePath."));
    }

    /// <summary>Detects the Claude proxy: <c>ClaudeProxy:Endpoint</c> or <c>CLAUDE_PROXY_URL</c>.</summary>
    /// <returns>The result; <see cref="Result.FromEnvironment"/> is the URL from the variable.</returns>
    public Result ClaudeProxy()
    {
        const string Name = ClaudeProxyServiceCollectionExtensions.ServiceKey, Prefix = ModelPrefixes.ClaudeProxy, Section = "ClaudeProxy";
        if (Disabled(Name, Prefix, Section) is { } disabled)
        {
            return disabled;
        }

        if (ProviderConfigurationValues.String(expanded.GetSection(Section), "Endpoint") is { } endpoint)
        {
            return new(new(Name, Prefix, true, $"{Section}:Endpoint is {endpoint}."));
        }

        return EnvironmentReferences.Variable(root, LlmConnectorsServiceCollectionExtensions.ClaudeProxyUrlEnvironmentVariable) is { } url
            ? new(new(Name, Prefix, true, $"{LlmConnectorsServiceCollectionExtensions.ClaudeProxyUrlEnvironmentVariable} is {url}."), url)
            : new(new(Name, Prefix, false, $"neither {Section}:Endpoint nor {LlmConnectorsServiceCollectionExtensions.ClaudeProxyUrlEnvironmentVariable} is set."));
    }

    private Result? Disabled(string name, string prefix, string section) =>
        string.Equals(expanded[$"{section}:Enabled"], "false", StringComparison.OrdinalIgnoreCase)
            ? new(new(name, prefix, false, $"{section}:Enabled is false."))
            : null;

    private static string? FindOnPath(string executable, string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return null;
        }

        string[] extensions = OperatingSystem.IsWindows() ? [".exe", ".cmd", ".bat", string.Empty] : [string.Empty];
        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var extension in extensions)
            {
                var candidate = Path.Combine(directory, executable + extension);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}
