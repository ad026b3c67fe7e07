using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LlmConnectors;

/// <summary>Registers one connector leaf the way every <c>AddXxxConnector</c> does: named options validated on start, a keyed client on MEAI's DI.</summary>
internal static class ConnectorRegistration
{
    /// <summary>Registers the leaf.</summary>
    /// <typeparam name="TOptions">The leaf's options.</typeparam>
    /// <param name="services">The services.</param>
    /// <param name="serviceKey">The service key, also the options name.</param>
    /// <param name="path">The configuration path of the settings, named in validation messages.</param>
    /// <param name="configure">Sets the options.</param>
    /// <param name="validate">The options' validation, given the path.</param>
    /// <param name="create">Creates the leaf from the services and the options.</param>
    /// <returns>MEAI's <see cref="ChatClientBuilder"/> of the keyed client.</returns>
    public static ChatClientBuilder Add<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions>(
        IServiceCollection services, string serviceKey, string path, Action<TOptions> configure,
        Func<TOptions, string, IReadOnlyList<string>> validate, Func<IServiceProvider, TOptions, IChatClient> create)
        where TOptions : class
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceKey);
        services.AddOptions<TOptions>(serviceKey).Configure(configure).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TOptions>>(new LeafOptionsValidator<TOptions>(serviceKey, options => validate(options, path)));
        return services.AddKeyedChatClient(serviceKey, provider => create(provider, provider.GetRequiredService<IOptionsMonitor<TOptions>>().Get(serviceKey)));
    }
}
