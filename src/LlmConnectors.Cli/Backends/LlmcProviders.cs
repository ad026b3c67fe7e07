using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LlmConnectors.Cli.Backends;

/// <summary>
/// The providers <c>llmc</c> talks to, exactly as the library's <c>AddLlmConnectors</c> detects and routes them: detection, the model
/// prefixes and the default provider are the library's, written once there. llmc only assembles the configuration (an optional JSON
/// file, the environment, and llmc's own variables as defaults) and adds two aliases of its own to the library's router
/// (<c>cli/</c> for the Claude CLI, <c>proxy/</c> for the Claude proxy).
/// </summary>
internal sealed class LlmcProviders : IDisposable
{
    /// <summary>The environment variable naming a configuration file when <c>--config</c> is not given.</summary>
    public const string ConfigFileVariable = "LLMC_CONFIG";

    private readonly ServiceProvider _services;

    private LlmcProviders(ServiceProvider services, IConfiguration configuration, string? configFile)
    {
        _services = services;
        Configuration = configuration;
        ConfigFile = configFile;
        Report = services.GetRequiredService<LlmProviderDetectionReport>();
        Client = services.GetRequiredService<IChatClient>();
        Router = Client.GetService<ModelRoutingChatClient>() ?? throw new InvalidOperationException("AddLlmConnectors registered no routing client.");
        if (IsDetected(ClaudeCliServiceCollectionExtensions.ServiceKey))
        {
            Router.Routes.Add(new ModelRoute("cli/", Leaf(ClaudeCliServiceCollectionExtensions.ServiceKey)) { Name = ClaudeCliServiceCollectionExtensions.ServiceKey });
        }

        if (IsDetected(ClaudeProxyServiceCollectionExtensions.ServiceKey))
        {
            Router.Routes.Add(new ModelRoute("proxy/", Leaf(ClaudeProxyServiceCollectionExtensions.ServiceKey)) { Name = ClaudeProxyServiceCollectionExtensions.ServiceKey });
        }
    }

    /// <summary>Gets what was detected, one entry per provider the library knows.</summary>
    public LlmProviderDetectionReport Report { get; }

    /// <summary>Gets the configuration the providers were built from.</summary>
    public IConfiguration Configuration { get; }

    /// <summary>Gets the configuration file read, or <see langword="null"/>.</summary>
    public string? ConfigFile { get; }

    /// <summary>Gets the default pipeline: the library's router.</summary>
    public IChatClient Client { get; }

    /// <summary>Gets the library's router inside <see cref="Client"/>.</summary>
    public ModelRoutingChatClient Router { get; }

    /// <summary>Gets the detected providers, in routing order.</summary>
    public IReadOnlyList<LlmProviderDetection> Detected => [.. Report.Providers.Where(p => p.Detected)];

    /// <summary>
    /// Builds the providers. Problems (a file that does not exist or is not JSON, a <c>${VAR}</c> that is not set, a setting out of
    /// range) are returned with the setting they concern, never thrown.
    /// </summary>
    /// <param name="configFile">The JSON file (<c>--config</c>); <c>LLMC_CONFIG</c> when <see langword="null"/>; none when neither is set.</param>
    /// <param name="settings">llmc's own environment variables, used as defaults.</param>
    /// <param name="problems">Every problem found; empty when the providers were built.</param>
    /// <returns>The providers, or <see langword="null"/> when <paramref name="problems"/> is not empty.</returns>
    public static LlmcProviders? Create(string? configFile, LlmcSettings settings, out IReadOnlyList<string> problems)
    {
        var found = new List<string>(settings.Problems);
        problems = found;
        configFile ??= Environment.GetEnvironmentVariable(ConfigFileVariable) is { Length: > 0 } fromVariable ? fromVariable : null;
        if (configFile is not null && !File.Exists(configFile))
        {
            found.Add($"The configuration file '{configFile}' does not exist; pass an existing JSON file (--config, or {ConfigFileVariable}).");
            return null;
        }

        if (found.Count > 0)
        {
            return null;
        }

        IConfiguration configuration;
        try
        {
            var builder = new ConfigurationBuilder().AddInMemoryCollection(Defaults(settings));
            if (configFile is not null)
            {
                builder.AddJsonFile(Path.GetFullPath(configFile), optional: false, reloadOnChange: false);
            }

            configuration = builder.AddEnvironmentVariables().Build();
        }
        catch (InvalidDataException e)
        {
            found.Add($"The configuration file '{configFile}' is not valid JSON: {e.InnerException?.Message ?? e.Message}");
            return null;
        }

        var services = new ServiceCollection();
        services.AddLogging();
        ServiceProvider? provider = null;
        try
        {
            services.AddLlmConnectors(configuration);
            provider = services.BuildServiceProvider();
            provider.GetService<IStartupValidator>()?.Validate();
            var providers = new LlmcProviders(provider, configuration, configFile);
            provider = null;
            return providers;
        }
        catch (OptionsValidationException e)
        {
            found.AddRange(e.Failures);
        }
        catch (AggregateException e) when (e.InnerExceptions.All(i => i is OptionsValidationException))
        {
            found.AddRange(e.InnerExceptions.Cast<OptionsValidationException>().SelectMany(i => i.Failures));
        }
        finally
        {
            provider?.Dispose();
        }

        return null;
    }

    /// <summary>Gets the name llmc shows for a provider (its <see cref="BackendKind"/>).</summary>
    /// <param name="provider">The leaf name (<c>openai</c>, ..., <c>claude-proxy</c>).</param>
    /// <returns>The display name.</returns>
    public static string DisplayName(string provider) => provider switch
    {
        "openai" => nameof(BackendKind.OpenAI),
        "anthropic" => nameof(BackendKind.Anthropic),
        "gemini" => nameof(BackendKind.Gemini),
        "vertex" => nameof(BackendKind.VertexAI),
        "openrouter" => nameof(BackendKind.OpenRouter),
        "claude-cli" => nameof(BackendKind.ClaudeCli),
        "claude-proxy" => nameof(BackendKind.ClaudeProxy),
        _ => provider,
    };

    /// <summary>Gets the leaf name of a <see cref="BackendKind"/>.</summary>
    /// <param name="backend">The backend.</param>
    /// <returns>The leaf name.</returns>
    public static string ProviderName(BackendKind backend) => backend switch
    {
        BackendKind.OpenAI => "openai",
        BackendKind.Anthropic => "anthropic",
        BackendKind.Gemini => "gemini",
        BackendKind.VertexAI => "vertex",
        BackendKind.OpenRouter => "openrouter",
        BackendKind.ClaudeCli => "claude-cli",
        _ => "claude-proxy",
    };

    /// <summary>Tells whether a provider was detected.</summary>
    /// <param name="provider">The leaf name.</param>
    /// <returns><see langword="true"/> when it is registered.</returns>
    public bool IsDetected(string provider) => Report.Providers.Any(p => p.Detected && p.Name == provider);

    /// <summary>Gets a detected provider's leaf (a keyed client, with its <c>Limits</c> when configured).</summary>
    /// <param name="provider">The leaf name.</param>
    /// <returns>The client.</returns>
    public IChatClient Leaf(string provider) => _services.GetRequiredKeyedService<IChatClient>(provider);

    /// <summary>Tells which provider serves a model id through the library's router, and the model id it receives.</summary>
    /// <param name="model">The model id as given (<c>openai/gpt-4o-mini</c>, <c>max/sonnet</c>, <c>sonnet</c>, or none).</param>
    /// <returns>The provider's leaf name (or <see langword="null"/> when none would serve it) and the model it receives (its default when none).</returns>
    public (string? Provider, string? ModelId) Resolve(string? model)
    {
        var route = Router.FindRoute(model, out var routed);
        var provider = route?.Name ?? Report.DefaultProvider;
        return (provider, routed ?? (provider is null ? null : DefaultModel(provider)));
    }

    /// <summary>Gets the model a provider's leaf uses when a request names none.</summary>
    /// <param name="provider">The leaf name.</param>
    /// <returns>The default model, or <see langword="null"/>.</returns>
    public string? DefaultModel(string provider) => Leaf(provider).GetService<ChatClientMetadata>()?.DefaultModelId;

    /// <inheritdoc/>
    public void Dispose() => _services.Dispose();

    /// <summary>llmc's own variables (see <see cref="LlmcSettings"/>), as the library's settings; the file and the environment override them.</summary>
    private static Dictionary<string, string?> Defaults(LlmcSettings settings)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["OpenRouter:ModelId"] = settings.OpenRouterModel,
            ["OpenRouter:AppTitle"] = "llmc",
            ["ClaudeCli:ModelId"] = settings.ClaudeModel,
            ["ClaudeProxy:ModelId"] = settings.ClaudeModel,
        };
        if (settings.OpenRouterEndpoint != OpenRouterClientOptions.DefaultEndpoint)
        {
            values["OpenRouter:Endpoint"] = settings.OpenRouterEndpoint.ToString();
        }

        if (settings.ClaudeCliPath is { } cli)
        {
            values["ClaudeCli:ExecutablePath"] = File.Exists(cli) ? Path.GetFullPath(cli) : cli;
        }

        if (settings.ClaudeProxyUrl is { } proxy)
        {
            values["ClaudeProxy:Endpoint"] = ClaudeClients.ApiEndpoint(proxy).ToString();
        }

        if (settings.ClaudeProxyApiKey is { } proxyKey)
        {
            values["ClaudeProxy:ApiKey"] = proxyKey;
        }

        return values;
    }
}
