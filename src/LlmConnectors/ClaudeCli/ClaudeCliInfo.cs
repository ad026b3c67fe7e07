namespace LlmConnectors;

/// <summary>What <see cref="ClaudeCliChatClient.GetCliInfoAsync"/> found out about the installed CLI, without spending tokens.</summary>
public sealed record ClaudeCliInfo
{
    /// <summary>Gets the executable that was run.</summary>
    public required string ExecutablePath { get; init; }

    /// <summary>Gets a value indicating whether the executable was found and answered <c>--version</c>.</summary>
    public bool IsInstalled { get; init; }

    /// <summary>Gets the CLI version (for example <c>2.1.330</c>), when installed.</summary>
    public string? Version { get; init; }

    /// <summary>Gets a value indicating whether <c>claude auth status</c> reports credentials (API key or login); <see langword="null"/> when unknown.</summary>
    public bool? IsLoggedIn { get; init; }

    /// <summary>Gets how the CLI authenticates (<c>api_key</c>, <c>oauth_token</c>, <c>none</c>, ...), when known.</summary>
    public string? AuthMethod { get; init; }

    /// <summary>Gets what went wrong and what to do, when the CLI is missing, broken or not logged in.</summary>
    public string? Problem { get; init; }
}
