using LlmConnectors;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers every provider whose credentials are present, and a default pipeline that routes by model prefix across them.</summary>
public static class LlmConnectorsServiceCollectionExtensions
{
    /// <summary>The environment variable that points the <c>claude-proxy</c> leaf at a running Claude proxy (for example <c>http://127.0.0.1:8080/v1</c>).</summary>
    public const string ClaudeProxyUrlEnvironmentVariable = "CLAUDE_PROXY_URL";

    /// <summary>The configuration sections <see cref="AddLlmConnectors"/> reads; <c>${NAME}</c> is expanded in all of them.</summary>
    private static readonly string[] Sections = ["LlmConnectors", "OpenAI", "Anthropic", "Gemini", "VertexAI", "OpenRouter", "ClaudeCli", "ClaudeProxy"];

    /// <summary>
    /// Registers, as keyed <see cref="IChatClient"/>s, every provider whose credentials are present in <paramref name="configuration"/>
    /// or in the providers' usual environment variables: <c>openai</c> (<c>OpenAI:ApiKey</c> / <c>OPENAI_API_KEY</c>), <c>anthropic</c>
    /// (<c>Anthropic:ApiKey</c> / <c>ANTHROPIC_API_KEY</c>), <c>gemini</c> (<c>Gemini:ApiKey</c> / <c>GEMINI_API_KEY</c> / <c>GOOGLE_API_KEY</c>),
    /// <c>vertex</c> (Google application-default credentials and a project), <c>openrouter</c> (<c>OpenRouter:ApiKey</c> /
    /// <c>OPENROUTER_API_KEY</c>), <c>claude-cli</c> (<c>claude</c> on <c>PATH</c>) and <c>claude-proxy</c> (<c>ClaudeProxy:Endpoint</c> /
    /// <c>CLAUDE_PROXY_URL</c>); and, as the unkeyed <see cref="IChatClient"/>, a <see cref="ModelRoutingChatClient"/> that sends
    /// <c>openai/...</c>, <c>anthropic/...</c>, <c>gemini/...</c>, <c>vertex/...</c>, <c>openrouter/...</c> and <c>max/...</c> (the Claude CLI,
    /// or the proxy when there is no CLI) to those leaves, and other model ids to <c>LlmConnectors:DefaultProvider</c> (default: the first
    /// detected, in that order).
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration root: the sections <c>OpenAI</c>, <c>Anthropic</c>, <c>Gemini</c>, <c>VertexAI</c>,
    /// <c>OpenRouter</c>, <c>ClaudeCli</c>, <c>ClaudeProxy</c> and <c>LlmConnectors</c>. A value may reference an environment variable as
    /// <c>${NAME}</c>; each provider may have a <c>Limits</c> subsection (<see cref="ChatRequestLimitOptions"/>) and <c>Enabled: false</c>.</param>
    /// <returns>Microsoft.Extensions.AI's <see cref="ChatClientBuilder"/> of the default (routing) client, to add middlewares.</returns>
    /// <remarks>
    /// What was detected, and why a provider was not, is logged once per provider when the host starts, and registered as a
    /// <see cref="LlmProviderDetectionReport"/>. Each detected leaf's settings are validated when the host starts.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configuration"/> is <see langword="null"/>.</exception>
    /// <exception cref="OptionsValidationException">A value references an environment variable that is not set, a <c>Limits</c> value is
    /// invalid, or <c>LlmConnectors:DefaultProvider</c> names a provider that was not detected; the message names the setting.</exception>
    /// <example>
    /// <code>
    /// builder.Services.AddLlmConnectors(builder.Configuration).UseFunctionInvocation();
    /// // later: chatClient.GetResponseAsync("Hi", new ChatOptions { ModelId = "anthropic/claude-haiku-4-5" });
    /// </code>
    /// </example>
    public static ChatClientBuilder AddLlmConnectors(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        var expanded = EnvironmentReferences.Expand(configuration, Sections);
        var detector = new LlmProviderDetector(configuration, expanded);
        var routes = new List<(string Prefix, string Key, ChatRequestLimitOptions? ExtraLimits)>();
        var detections = new List<LlmProviderDetection>();

        var openAI = detector.ApiKey(OpenAIConnectorServiceCollectionExtensions.ServiceKey, "openai/", "OpenAI", OpenAIConnectorOptions.ApiKeyEnvironmentVariable);
        detections.Add(openAI.Detection);
        if (openAI.Detection.Detected)
        {
            var section = expanded.GetSection("OpenAI");
            services.AddOpenAIConnector(section, options => options.ApiKey ??= openAI.FromEnvironment).UseLimits(section);
            routes.Add(("openai/", openAI.Detection.Name, null));
        }

        var anthropic = detector.ApiKey(AnthropicConnectorServiceCollectionExtensions.ServiceKey, "anthropic/", "Anthropic", AnthropicConnectorOptions.ApiKeyEnvironmentVariable);
        detections.Add(anthropic.Detection);
        if (anthropic.Detection.Detected)
        {
            var section = expanded.GetSection("Anthropic");
            services.AddAnthropicConnector(section, options => options.ApiKey ??= anthropic.FromEnvironment).UseLimits(section);
            routes.Add(("anthropic/", anthropic.Detection.Name, null));
        }

        var gemini = detector.ApiKey(
            GeminiConnectorServiceCollectionExtensions.ServiceKey, "gemini/", "Gemini", GeminiConnectorOptions.ApiKeyEnvironmentVariable, GeminiConnectorOptions.AlternateApiKeyEnvironmentVariable);
        detections.Add(gemini.Detection);
        if (gemini.Detection.Detected)
        {
            var section = expanded.GetSection("Gemini");
            services.AddGeminiConnector(section, options => options.ApiKey ??= gemini.FromEnvironment).UseLimits(section);
            routes.Add(("gemini/", gemini.Detection.Name, null));
        }

        var vertex = detector.VertexAI();
        detections.Add(vertex.Detection);
        if (vertex.Detection.Detected)
        {
            var section = expanded.GetSection("VertexAI");
            services.AddVertexAIConnector(section, options =>
            {
                options.CredentialsFile ??= vertex.FromEnvironment;
                options.ProjectId ??= vertex.ProjectId;
            }).UseLimits(section);
            routes.Add(("vertex/", vertex.Detection.Name, null));
        }

        var openRouter = detector.ApiKey(OpenRouterServiceCollectionExtensions.ServiceKey, "openrouter/", "OpenRouter", OpenRouterClientOptions.ApiKeyEnvironmentVariable);
        detections.Add(openRouter.Detection);
        if (openRouter.Detection.Detected)
        {
            var section = expanded.GetSection("OpenRouter");
            _ = services.AddOpenRouterChatClient(section, options => options.ApiKey ??= openRouter.FromEnvironment);
            routes.Add(("openrouter/", openRouter.Detection.Name, ProviderConfigurationValues.Limits(section, section.Path)));
        }

        var claudeCli = detector.ClaudeCli();
        detections.Add(claudeCli.Detection);
        if (claudeCli.Detection.Detected)
        {
            // The CLI client bounds its own processes (ClaudeCli:MaxConcurrency, MaxQueueLength).
            _ = services.AddClaudeCliChatClient(expanded.GetSection("ClaudeCli"));
            routes.Add((ModelPrefixes.Claude, claudeCli.Detection.Name, null));
        }

        var claudeProxy = detector.ClaudeProxy();
        detections.Add(claudeProxy.Detection);
        if (claudeProxy.Detection.Detected)
        {
            var section = expanded.GetSection("ClaudeProxy");
            _ = services.AddClaudeProxyChatClient(section, options =>
            {
                if (claudeProxy.FromEnvironment is { } url)
                {
                    options.Endpoint = new Uri(url);
                }
            });
            var limits = ProviderConfigurationValues.Limits(section, section.Path);
            routes.Add((ModelPrefixes.ClaudeProxy, claudeProxy.Detection.Name, limits));
            if (!claudeCli.Detection.Detected)
            {
                routes.Add((ModelPrefixes.Claude, claudeProxy.Detection.Name, limits));
            }
        }

        var defaultProvider = DefaultProvider(expanded, detections);
        services.TryAddSingleton(new LlmProviderDetectionReport(detections, defaultProvider));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, LlmConnectorsStartupLog>());

        return services.AddChatClient(provider =>
        {
            var clients = new Dictionary<string, IChatClient>(StringComparer.Ordinal);
            IChatClient Leaf(string key, ChatRequestLimitOptions? limits)
            {
                if (!clients.TryGetValue(key, out var client))
                {
                    client = provider.GetRequiredKeyedService<IChatClient>(key);
                    if (limits is not null)
                    {
                        client = new ConcurrencyLimitingChatClient(client, limits);
                    }

                    clients[key] = client;
                }

                return client;
            }

            var router = new ModelRoutingChatClient();
            foreach (var (prefix, key, limits) in routes)
            {
                router.Routes.Add(new ModelRoute(prefix, Leaf(key, limits)) { Name = key });
            }

            router.DefaultClient = defaultProvider is null ? null : Leaf(defaultProvider, routes.First(r => r.Key == defaultProvider).ExtraLimits);
            return router;
        });
    }

    private static ChatClientBuilder UseLimits(this ChatClientBuilder builder, IConfigurationSection section) =>
        ProviderConfigurationValues.Limits(section, section.Path) is { } limits ? builder.UseConcurrencyLimit(limits) : builder;

    private static string? DefaultProvider(IConfiguration expanded, List<LlmProviderDetection> detections)
    {
        if (ProviderConfigurationValues.String(expanded.GetSection("LlmConnectors"), "DefaultProvider") is { } configured)
        {
            var match = detections.Find(d => string.Equals(d.Name, configured, StringComparison.OrdinalIgnoreCase));
            if (match is not { Detected: true })
            {
                throw new OptionsValidationException(Options.Options.DefaultName, typeof(LlmProviderDetectionReport),
                [
                    match is null
                        ? $"LlmConnectors:DefaultProvider is '{configured}'; it must be one of {string.Join(", ", detections.Select(d => d.Name))}."
                        : $"LlmConnectors:DefaultProvider is '{configured}', which was not detected: {match.Reason}",
                ]);
            }

            return match.Name;
        }

        return detections.Find(d => d.Detected)?.Name;
    }
}
