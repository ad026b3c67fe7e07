using LlmConnectors.TestServers.Anthropic;
using LlmConnectors.TestServers.Samples;

namespace LlmConnectors.IntegrationTests.Samples;

/// <summary>
/// The offline backends the samples, notebooks and <c>llmc</c> run against, and the environment variables that point
/// them there (the same variables a user sets; see README.md): the OpenRouter-shaped
/// <see cref="SampleOpenRouterServer"/>, and the scripted Anthropic Messages API that the real, pinned <c>claude</c>
/// CLI talks to.
/// </summary>
public sealed class SampleBackends : IAsyncLifetime
{
    public const string AnthropicApiKey = "sk-ant-scripted-0000000000";

    private SampleOpenRouterServer? _openRouter;
    private ScriptedAnthropicServer? _anthropic;
    private DirectoryInfo? _claudeHome;

    internal SampleOpenRouterServer OpenRouter => _openRouter ?? throw new InvalidOperationException("The backends have not been started.");

    internal ScriptedAnthropicServer Anthropic => _anthropic ?? throw new InvalidOperationException("The backends have not been started.");

    /// <summary>Gets an environment where nothing is configured.</summary>
    public static IReadOnlyDictionary<string, string?> NothingConfigured { get; } = new Dictionary<string, string?>
    {
        ["OPENROUTER_API_KEY"] = null,
        ["OPENROUTER_BASE_URL"] = null,
        ["OPENROUTER_MODEL"] = null,
        ["CLAUDE_PROXY_URL"] = null,
        ["CLAUDE_PROXY_API_KEY"] = null,
        ["CLAUDE_CLI_PATH"] = null,
        ["CLAUDE_MODEL"] = null,
        ["ANTHROPIC_API_KEY"] = null,
        ["ANTHROPIC_AUTH_TOKEN"] = null,
        ["ANTHROPIC_BASE_URL"] = null,
        ["CLAUDE_CODE_OAUTH_TOKEN"] = null,

        // No claude on PATH either: only the system directories.
        ["PATH"] = "/usr/bin:/bin",
    };

    /// <summary>Gets the environment for a program that should use the scripted OpenRouter server.</summary>
    public IReadOnlyDictionary<string, string?> OpenRouterEnvironment => new Dictionary<string, string?>
    {
        ["OPENROUTER_API_KEY"] = SampleOpenRouterServer.ApiKey,
        ["OPENROUTER_BASE_URL"] = OpenRouter.BaseUrl,
    };

    /// <summary>
    /// Gets the environment for a program that should use the real <c>claude</c> CLI (tools/node) against the scripted
    /// Anthropic backend, with a private HOME so that no login of this machine is used.
    /// </summary>
    public IReadOnlyDictionary<string, string?> ClaudeCliEnvironment => new Dictionary<string, string?>
    {
        ["CLAUDE_CLI_PATH"] = RepositoryLayout.ClaudeExecutable,
        ["ANTHROPIC_API_KEY"] = AnthropicApiKey,
        ["ANTHROPIC_BASE_URL"] = Anthropic.BaseUrl,
        ["CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC"] = "1",
        ["HOME"] = _claudeHome!.FullName,
        ["CLAUDE_CONFIG_DIR"] = Path.Combine(_claudeHome.FullName, ".claude"),
    };

    /// <summary>
    /// Gets <see cref="ClaudeCliEnvironment"/> without the private HOME, for <c>dotnet run</c>: a fresh HOME would also mean a fresh,
    /// empty NuGet cache. The CLI still keeps its state in the private <c>CLAUDE_CONFIG_DIR</c>.
    /// </summary>
    public IReadOnlyDictionary<string, string?> ClaudeCliEnvironmentKeepingHome =>
        ClaudeCliEnvironment.Where(e => e.Key != "HOME").ToDictionary(e => e.Key, e => e.Value);

    public async ValueTask InitializeAsync()
    {
        Assert.True(
            File.Exists(RepositoryLayout.ClaudeExecutable),
            $"The pinned Claude Code CLI is missing at {RepositoryLayout.ClaudeExecutable}. Install it with 'cd tools/node && npm ci' "
            + "(building tests/LlmConnectors.IntegrationTests does it too; it needs Node.js 20+ with npm).");
        _claudeHome = Directory.CreateTempSubdirectory("llmconnectors-samples-home-");
        _openRouter = await SampleOpenRouterServer.StartAsync(TestContext.Current.CancellationToken);
        _anthropic = await ScriptedAnthropicServer.StartAsync(TestContext.Current.CancellationToken);
        _anthropic.DefaultReply = SampleClaudeReplies.Answer;
    }

    public async ValueTask DisposeAsync()
    {
        if (_openRouter is not null)
        {
            await _openRouter.DisposeAsync();
        }

        if (_anthropic is not null)
        {
            await _anthropic.DisposeAsync();
        }

        _claudeHome?.Delete(recursive: true);
    }

    /// <summary>
    /// Starts the real proxy (src/LlmConnectors.ClaudeProxy, as built by the solution) on a free loopback port, serving the real
    /// <c>claude</c> CLI against the scripted Anthropic backend, and waits until it is healthy.
    /// </summary>
    internal async Task<(BackgroundProgram Proxy, string Url)> StartProxyAsync(CancellationToken cancellationToken)
    {
        var port = BackgroundProgram.FreePort();
        var url = $"http://127.0.0.1:{port}";
        var dll = RepositoryLayout.BuiltAssembly(Path.Combine(RepositoryLayout.Root, "src", "LlmConnectors.ClaudeProxy"), "LlmConnectors.ClaudeProxy");
        var environment = Merge(ClaudeCliEnvironment, new Dictionary<string, string?>
        {
            ["ClaudeProxy__Cli__ExecutablePath"] = RepositoryLayout.ClaudeExecutable,
            ["ClaudeProxy__Cli__WarmPoolSize"] = "1",
        });
        var proxy = BackgroundProgram.Start(DotnetHost.Path, [dll, "--urls", url], Path.GetDirectoryName(dll)!, environment);
        try
        {
            await proxy.WaitUntilHealthyAsync(new Uri(url + "/health"), TimeSpan.FromSeconds(60), cancellationToken);
        }
        catch
        {
            await proxy.DisposeAsync();
            throw;
        }

        return (proxy, url);
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
