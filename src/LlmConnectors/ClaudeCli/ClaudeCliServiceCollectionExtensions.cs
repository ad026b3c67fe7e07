using System.Globalization;
using LlmConnectors;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="ClaudeCliChatClient"/> in a service collection.</summary>
public static class ClaudeCliServiceCollectionExtensions
{
    /// <summary>The key of the keyed <see cref="IChatClient"/> registration, and the leaf name pipelines from configuration use.</summary>
    public const string ServiceKey = "claude-cli";

    /// <summary>
    /// Registers a singleton <see cref="ClaudeCliChatClient"/> (also as <see cref="IChatClient"/>, unless one is registered) bound to a
    /// configuration section (usually <c>ClaudeCli</c>); the settings are validated when the host starts.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The section holding the <see cref="ClaudeCliOptions"/> settings.</param>
    /// <param name="configure">Further changes applied after binding.</param>
    /// <returns>The <see cref="ChatClientBuilder"/> of the keyed registration <c>"claude-cli"</c>, to add middlewares.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configuration"/> is <see langword="null"/>.</exception>
    public static ChatClientBuilder AddClaudeCliChatClient(this IServiceCollection services, IConfiguration configuration, Action<ClaudeCliOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var prefix = configuration is IConfigurationSection section ? section.Path : "ClaudeCli";
        return AddCore(services, prefix, options =>
        {
            Bind(configuration, options, prefix);
            configure?.Invoke(options);
        });
    }

    /// <summary>
    /// Registers a singleton <see cref="ClaudeCliChatClient"/> (also as <see cref="IChatClient"/>, unless one is registered) configured
    /// in code; the settings are validated when the host starts.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The <see cref="ChatClientBuilder"/> of the keyed registration <c>"claude-cli"</c>, to add middlewares.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    public static ChatClientBuilder AddClaudeCliChatClient(this IServiceCollection services, Action<ClaudeCliOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        return AddCore(services, "ClaudeCli", configure);
    }

    private static ChatClientBuilder AddCore(IServiceCollection services, string prefix, Action<ClaudeCliOptions> configure)
    {
        _ = services.AddOptions<ClaudeCliOptions>()
            .Configure(configure)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ClaudeCliOptions>>(new Validator(prefix)));
        services.TryAddSingleton(sp => new ClaudeCliChatClient(sp.GetRequiredService<IOptions<ClaudeCliOptions>>().Value, sp.GetService<ILoggerFactory>()));
        return LlmConnectors.DependencyInjection.LeafRegistration.Add<ClaudeCliChatClient>(services, ServiceKey, nameof(AddClaudeCliChatClient));
    }

    private static void Bind(IConfiguration configuration, ClaudeCliOptions options, string prefix)
    {
        options.ExecutablePath = configuration[nameof(ClaudeCliOptions.ExecutablePath)] is { Length: > 0 } path ? path : options.ExecutablePath;
        options.ModelId = configuration[nameof(ClaudeCliOptions.ModelId)] ?? options.ModelId;
        options.WorkingDirectory = configuration[nameof(ClaudeCliOptions.WorkingDirectory)] ?? options.WorkingDirectory;
        options.ConfigDirectory = configuration[nameof(ClaudeCliOptions.ConfigDirectory)] ?? options.ConfigDirectory;
        options.PermissionMode = configuration[nameof(ClaudeCliOptions.PermissionMode)] ?? options.PermissionMode;
        options.MaxConcurrency = ConfigurationValues.Int<ClaudeCliOptions>(configuration, prefix, nameof(ClaudeCliOptions.MaxConcurrency)) ?? options.MaxConcurrency;
        options.MaxQueueLength = ConfigurationValues.Int<ClaudeCliOptions>(configuration, prefix, nameof(ClaudeCliOptions.MaxQueueLength)) ?? options.MaxQueueLength;
        options.WarmPoolSize = ConfigurationValues.Int<ClaudeCliOptions>(configuration, prefix, nameof(ClaudeCliOptions.WarmPoolSize)) ?? options.WarmPoolSize;
        options.MaxTurns = ConfigurationValues.Int<ClaudeCliOptions>(configuration, prefix, nameof(ClaudeCliOptions.MaxTurns)) ?? options.MaxTurns;
        options.MaxParkedProcesses = ConfigurationValues.Int<ClaudeCliOptions>(configuration, prefix, nameof(ClaudeCliOptions.MaxParkedProcesses)) ?? options.MaxParkedProcesses;
        options.ParkedProcessIdleTimeout = ConfigurationValues.Time<ClaudeCliOptions>(configuration, prefix, nameof(ClaudeCliOptions.ParkedProcessIdleTimeout)) ?? options.ParkedProcessIdleTimeout;
        if (configuration[nameof(ClaudeCliOptions.UnsupportedOptions)] is { Length: > 0 } unsupported)
        {
            options.UnsupportedOptions = Enum.TryParse<ClaudeCliUnsupportedOptionHandling>(unsupported, ignoreCase: true, out var handling) && Enum.IsDefined(handling)
                ? handling
                : throw ConfigurationValues.Invalid<ClaudeCliOptions>(prefix, nameof(ClaudeCliOptions.UnsupportedOptions), unsupported, "'Ignore' or 'Reject'");
        }

        ConfigurationValues.BindRetry<ClaudeCliOptions>(configuration.GetSection(nameof(ClaudeCliOptions.Retry)), prefix + ":Retry", options.Retry);
        options.RequestTimeout = ConfigurationValues.Time<ClaudeCliOptions>(configuration, prefix, nameof(ClaudeCliOptions.RequestTimeout)) ?? options.RequestTimeout;

        foreach (var child in configuration.GetSection(nameof(ClaudeCliOptions.EnvironmentVariables)).GetChildren())
        {
            options.EnvironmentVariables[child.Key] = child.Value;
        }

        foreach (var child in configuration.GetSection(nameof(ClaudeCliOptions.AllowedTools)).GetChildren())
        {
            if (!string.IsNullOrEmpty(child.Value))
            {
                options.AllowedTools.Add(child.Value);
            }
        }

        foreach (var child in configuration.GetSection(nameof(ClaudeCliOptions.AdditionalArguments)).GetChildren())
        {
            if (child.Value is not null)
            {
                options.AdditionalArguments.Add(child.Value);
            }
        }
    }




    private sealed class Validator(string prefix) : IValidateOptions<ClaudeCliOptions>
    {
        public ValidateOptionsResult Validate(string? name, ClaudeCliOptions options)
        {
            var errors = options.Validate(prefix);
            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
        }
    }
}
