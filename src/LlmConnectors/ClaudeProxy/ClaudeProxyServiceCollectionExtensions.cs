using System.Globalization;
using LlmConnectors;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="ClaudeProxyChatClient"/> in a service collection.</summary>
public static class ClaudeProxyServiceCollectionExtensions
{
    /// <summary>The name of the <see cref="HttpClient"/> the client gets from <c>IHttpClientFactory</c>.</summary>
    public const string HttpClientName = "LlmConnectors.ClaudeProxy";

    /// <summary>The key of the keyed <see cref="IChatClient"/> registration.</summary>
    public const string ServiceKey = "claude-proxy";

    /// <summary>
    /// Registers <see cref="ClaudeProxyChatClient"/> (as itself, as the keyed <see cref="IChatClient"/> <c>"claude-proxy"</c> through
    /// <c>AddKeyedChatClient</c>, and as the unkeyed <see cref="IChatClient"/> when none is registered yet) with its settings bound from a configuration section
    /// (usually <c>ClaudeProxyClient</c>: <c>Endpoint</c>, <c>ApiKey</c>, <c>ModelId</c>, <c>Timeout</c>, <c>Retry:*</c>), validated at start-up.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The section holding the settings.</param>
    /// <param name="configure">Changes applied after binding, or <see langword="null"/>.</param>
    /// <returns>The <see cref="ChatClientBuilder"/> of the keyed registration, to add middlewares (<c>.UseFunctionInvocation().UseOpenTelemetry()</c>).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configuration"/> is <see langword="null"/>.</exception>
    public static ChatClientBuilder AddClaudeProxyChatClient(this IServiceCollection services, IConfiguration configuration, Action<ClaudeProxyClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var sectionName = configuration is IConfigurationSection section ? section.Path : "ClaudeProxyClient";
        return AddCore(services, sectionName, options =>
        {
            Bind(configuration, options, sectionName);
            configure?.Invoke(options);
        });
    }

    /// <summary>
    /// Registers <see cref="ClaudeProxyChatClient"/> (as itself, as the keyed <see cref="IChatClient"/> <c>"claude-proxy"</c> through
    /// <c>AddKeyedChatClient</c>, and as the unkeyed <see cref="IChatClient"/> when none is registered yet) with settings set in code, validated at start-up.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the settings.</param>
    /// <returns>The <see cref="ChatClientBuilder"/> of the keyed registration, to add middlewares (<c>.UseFunctionInvocation().UseOpenTelemetry()</c>).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    public static ChatClientBuilder AddClaudeProxyChatClient(this IServiceCollection services, Action<ClaudeProxyClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        return AddCore(services, "ClaudeProxyClient", configure);
    }

    private static ChatClientBuilder AddCore(IServiceCollection services, string sectionName, Action<ClaudeProxyClientOptions> configure)
    {
        services.AddHttpClient(HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan);
        services.AddOptions<ClaudeProxyClientOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ClaudeProxyClientOptions>>(new Validator(sectionName)));
        services.TryAddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<ClaudeProxyClientOptions>>().Value;
            options.HttpClient ??= provider.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName);
            return new ClaudeProxyChatClient(options, provider.GetService<ILoggerFactory>());
        });
        return LlmConnectors.DependencyInjection.LeafRegistration.Add<ClaudeProxyChatClient>(services, ServiceKey, nameof(AddClaudeProxyChatClient));
    }

    private static void Bind(IConfiguration configuration, ClaudeProxyClientOptions options, string path)
    {
        options.ApiKey = configuration[nameof(ClaudeProxyClientOptions.ApiKey)] ?? options.ApiKey;
        options.ModelId = configuration[nameof(ClaudeProxyClientOptions.ModelId)] ?? options.ModelId;
        if (configuration[nameof(ClaudeProxyClientOptions.Endpoint)] is { Length: > 0 } endpoint)
        {
            options.Endpoint = Uri.TryCreate(endpoint, UriKind.Absolute, out var uri)
                ? uri
                : throw ConfigurationValues.Invalid<ClaudeProxyClientOptions>(path, nameof(ClaudeProxyClientOptions.Endpoint), endpoint, "an absolute URL such as http://127.0.0.1:3010/v1");
        }

        if (configuration[nameof(ClaudeProxyClientOptions.Timeout)] is { } timeout)
        {
            // An empty value clears the timeout (no per-attempt limit); anything else must parse.
            options.Timeout = string.IsNullOrWhiteSpace(timeout) ? null : ConfigurationValues.Time<ClaudeProxyClientOptions>(configuration, path, nameof(ClaudeProxyClientOptions.Timeout));
        }

        var retry = configuration.GetSection(nameof(ClaudeProxyClientOptions.Retry));
        if (retry.Exists())
        {
            ConfigurationValues.BindRetry<ClaudeProxyClientOptions>(retry, path + ":Retry", options.Retry ??= new TransportRetryOptions());
        }
    }

    private sealed class Validator(string sectionName) : IValidateOptions<ClaudeProxyClientOptions>
    {
        public ValidateOptionsResult Validate(string? name, ClaudeProxyClientOptions options)
        {
            var errors = options.Validate(sectionName);
            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
        }
    }
}
