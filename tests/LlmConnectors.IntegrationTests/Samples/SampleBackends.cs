namespace LlmConnectors.IntegrationTests.Samples;

/// <summary>
/// The offline backends the samples, notebooks and <c>llmc</c> run against, and the environment variables that point
/// them there (the same variables a user sets; see docs/getting-started.md).
/// </summary>
public sealed class SampleBackends : IAsyncLifetime
{
    private SampleOpenRouterServer? _openRouter;

    internal SampleOpenRouterServer OpenRouter => _openRouter ?? throw new InvalidOperationException("The backends have not been started.");

    /// <summary>Gets the environment for a program that should use the scripted OpenRouter server.</summary>
    public IReadOnlyDictionary<string, string?> OpenRouterEnvironment => new Dictionary<string, string?>
    {
        ["OPENROUTER_API_KEY"] = SampleOpenRouterServer.ApiKey,
        ["OPENROUTER_BASE_URL"] = OpenRouter.BaseUrl,
        ["OPENROUTER_MODEL"] = null,
        ["CLAUDE_PROXY_URL"] = null,
        ["CLAUDE_CLI_PATH"] = null,
    };

    /// <summary>Gets an environment where nothing is configured.</summary>
    public static IReadOnlyDictionary<string, string?> NothingConfigured { get; } = new Dictionary<string, string?>
    {
        ["OPENROUTER_API_KEY"] = null,
        ["OPENROUTER_BASE_URL"] = null,
        ["OPENROUTER_MODEL"] = null,
        ["CLAUDE_PROXY_URL"] = null,
        ["CLAUDE_PROXY_API_KEY"] = null,
        ["CLAUDE_CLI_PATH"] = null,
        ["ANTHROPIC_API_KEY"] = null,
        ["ANTHROPIC_BASE_URL"] = null,

        // No claude on PATH either: only the system directories.
        ["PATH"] = "/usr/bin:/bin",
    };

    public async ValueTask InitializeAsync()
    {
        _openRouter = await SampleOpenRouterServer.StartAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_openRouter is not null)
        {
            await _openRouter.DisposeAsync();
        }
    }

    internal static Dictionary<string, string?> Merge(params IReadOnlyDictionary<string, string?>[] environments)
    {
        var merged = new Dictionary<string, string?>(NothingConfigured);
        foreach (var environment in environments)
        {
            foreach (var (key, value) in environment)
            {
                merged[key] = value;
            }
        }

        return merged;
    }
}
