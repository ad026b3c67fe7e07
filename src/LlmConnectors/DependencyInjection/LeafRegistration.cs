using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LlmConnectors.DependencyInjection;

/// <summary>The registration every connector's <c>AddXxxChatClient</c> ends with, in Microsoft.Extensions.AI's shape.</summary>
internal static class LeafRegistration
{
    /// <summary>
    /// Registers the leaf (already registered as <typeparamref name="TClient"/>) as the keyed <see cref="IChatClient"/>
    /// <paramref name="serviceKey"/> through <c>AddKeyedChatClient</c>, and as the unkeyed <see cref="IChatClient"/> when none is
    /// registered yet (a pipeline registered later replaces that one on purpose). A second registration of the same key fails at start-up.
    /// </summary>
    /// <returns>The <see cref="ChatClientBuilder"/> of the keyed registration.</returns>
    public static ChatClientBuilder Add<TClient>(IServiceCollection services, string serviceKey, string method)
        where TClient : class, IChatClient =>
        Add(services, serviceKey, method, static provider => provider.GetRequiredService<TClient>());

    /// <summary>Registers the leaf made by <paramref name="factory"/> the same way as <see cref="Add{TClient}"/>.</summary>
    /// <returns>The <see cref="ChatClientBuilder"/> of the keyed registration.</returns>
    public static ChatClientBuilder Add(IServiceCollection services, string serviceKey, string method, Func<IServiceProvider, IChatClient> factory)
    {
        var guard = ChatClientRegistrationGuard.Of(services);
        var builder = services.AddKeyedChatClient(serviceKey, factory);
        guard.Claim(
            services[^1],
            $"{method}",
            $"Call {method} once per key, and register other clients under another key (services.AddKeyedChatClient(\"other\", ...)).");
        var count = services.Count;
        services.TryAddSingleton<IChatClient>(provider => provider.GetRequiredKeyedService<IChatClient>(serviceKey));
        if (services.Count > count)
        {
            guard.AllowReplacement(services[^1]);
        }

        return builder;
    }
}
