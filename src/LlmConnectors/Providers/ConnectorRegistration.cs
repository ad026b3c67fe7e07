using System.Diagnostics.CodeAnalysis;
using LlmConnectors.DependencyInjection;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LlmConnectors;

/// <summary>
/// What every <c>AddXxxConnector</c> pair (<c>openai</c>, <c>anthropic</c>, <c>gemini</c>, <c>vertex</c>) does, written once: the settings
/// bound from a section or set in code, named options validated on start with messages naming the setting, and the leaf registered
/// through <see cref="LeafRegistration"/> (keyed on MEAI's DI, a second registration of the key refused at start-up).
/// </summary>
/// <typeparam name="TOptions">The leaf's options.</typeparam>
/// <param name="defaultSection">The section named in messages when the settings are not bound from a section.</param>
/// <param name="method">The public method, named in the duplicate-registration message.</param>
/// <param name="bind">Binds the settings from a section (given its path).</param>
/// <param name="validate">The options' validation, given the settings' path.</param>
/// <param name="create">Creates the leaf from the services, the options and the settings' path.</param>
internal sealed class ConnectorRegistration<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions>(
    string defaultSection,
    string method,
    Action<IConfiguration, TOptions, string> bind,
    Func<TOptions, string, IReadOnlyList<string>> validate,
    Func<IServiceProvider, TOptions, string, IChatClient> create)
    where TOptions : class
{
    /// <summary>Registers the leaf with settings bound from <paramref name="configuration"/>, then <paramref name="configure"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configuration"/> is <see langword="null"/>.</exception>
    public ChatClientBuilder Add(IServiceCollection services, IConfiguration configuration, Action<TOptions>? configure, string serviceKey)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var path = configuration is IConfigurationSection section ? section.Path : defaultSection;
        return Add(services, serviceKey, path, options =>
        {
            bind(configuration, options, path);
            configure?.Invoke(options);
        });
    }

    /// <summary>Registers the leaf with settings set in code.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    public ChatClientBuilder Add(IServiceCollection services, Action<TOptions> configure, string serviceKey)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        return Add(services, serviceKey, defaultSection, configure);
    }

    private ChatClientBuilder Add(IServiceCollection services, string serviceKey, string path, Action<TOptions> configure)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceKey);
        services.AddOptions<TOptions>(serviceKey).Configure(configure).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TOptions>>(new LeafOptionsValidator<TOptions>(serviceKey, options => validate(options, path)));
        return LeafRegistration.Add(
            services, serviceKey, method, provider => create(provider, provider.GetRequiredService<IOptionsMonitor<TOptions>>().Get(serviceKey), path));
    }
}
