using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LlmConnectors.DependencyInjection;

/// <summary>
/// Refuses, at start-up, a registration that would silently replace one the pack made: a second unkeyed <see cref="IChatClient"/>
/// after <c>AddChatPipeline</c>, or two registrations of the same keyed leaf (<c>"openrouter"</c> by <c>AddOpenRouterChatClient</c> and
/// by <c>AddKeyedChatClient</c>). DI itself is last-registration-wins without a word; this check makes it an error that says what to do.
/// It also answers which keyed <see cref="IChatClient"/> services exist, for the leaf names pipelines use.
/// </summary>
internal sealed class ChatClientRegistrationGuard : IValidateOptions<ChatClientRegistrationGuard.CheckOptions>
{
    private readonly IServiceCollection _services;
    private readonly List<Registration> _claims = [];
    private readonly List<ServiceDescriptor> _conveniences = [];

    private ChatClientRegistrationGuard(IServiceCollection services) => _services = services;

    /// <summary>Gets the guard of a service collection, registering it (and its start-up check) the first time.</summary>
    public static ChatClientRegistrationGuard Of(IServiceCollection services)
    {
        foreach (var descriptor in services)
        {
            if (descriptor.ServiceType == typeof(ChatClientRegistrationGuard) && descriptor.ImplementationInstance is ChatClientRegistrationGuard existing)
            {
                return existing;
            }
        }

        var guard = new ChatClientRegistrationGuard(services);
        services.AddSingleton(guard);
        services.AddSingleton<IValidateOptions<CheckOptions>>(guard);
        services.AddOptions<CheckOptions>().ValidateOnStart();
        return guard;
    }

    /// <summary>Records that <paramref name="descriptor"/>, added by <paramref name="owner"/>, must be the only registration for its key.</summary>
    public void Claim(ServiceDescriptor descriptor, string owner, string remedy) => _claims.Add(new Registration(descriptor, owner, remedy));

    /// <summary>Records a convenience registration (a leaf's unkeyed <see cref="IChatClient"/>) that a pipeline may replace.</summary>
    public void AllowReplacement(ServiceDescriptor descriptor) => _conveniences.Add(descriptor);

    /// <summary>Gets the string keys of the keyed <see cref="IChatClient"/> services, ordered.</summary>
    public IReadOnlyList<string> LeafNames() =>
        [.. _services.Where(d => d.ServiceType == typeof(IChatClient) && d.IsKeyedService && d.ServiceKey is string)
            .Select(d => (string)d.ServiceKey!).Distinct(StringComparer.Ordinal).Order(StringComparer.OrdinalIgnoreCase)];

    /// <summary>Finds the key of a keyed <see cref="IChatClient"/> by name, exactly or else without regard to case.</summary>
    public string? FindLeaf(string name)
    {
        var names = LeafNames();
        return names.FirstOrDefault(n => string.Equals(n, name, StringComparison.Ordinal))
            ?? names.FirstOrDefault(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Gets the known leaf names for messages.</summary>
    public string KnownLeaves()
    {
        var names = LeafNames();
        return names.Count == 0
            ? "none registered: call AddOpenRouterChatClient, AddClaudeCliChatClient, AddClaudeProxyChatClient or AddKeyedChatClient"
            : string.Join(", ", names.Select(n => $"'{n}'"));
    }

    /// <summary>Gets what is wrong with the registrations; empty when nothing is.</summary>
    public List<string> Problems()
    {
        var problems = new List<string>();
        foreach (var claim in _claims)
        {
            var key = claim.Descriptor.IsKeyedService ? claim.Descriptor.ServiceKey : null;
            var others = _services.Where(d => d.ServiceType == typeof(IChatClient) && !ReferenceEquals(d, claim.Descriptor)
                && d.IsKeyedService == claim.Descriptor.IsKeyedService && Equals(d.IsKeyedService ? d.ServiceKey : null, key)).ToList();
            var index = _services.IndexOf(claim.Descriptor);
            foreach (var other in others)
            {
                // A leaf's convenience registration placed before a pipeline is meant to be replaced by it.
                if (_conveniences.Contains(other) && _services.IndexOf(other) < index)
                {
                    continue;
                }

                var what = key is null ? "the IChatClient service" : $"the keyed IChatClient '{key}'";
                var when = _services.IndexOf(other) > index ? "a later registration replaces it" : "it replaces an earlier registration";
                problems.Add($"{claim.Owner} registered {what}, but {when} ({Describe(other)}), so one of them would be silently lost. {claim.Remedy}");
            }
        }

        return problems;
    }

    /// <summary>Throws when <see cref="Problems"/> finds something, for service providers built without a host.</summary>
    /// <exception cref="OptionsValidationException">A registration replaces another.</exception>
    public void ThrowIfInvalid()
    {
        var problems = Problems();
        if (problems.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(CheckOptions), problems);
        }
    }

    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, CheckOptions options)
    {
        var problems = Problems();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static string Describe(ServiceDescriptor descriptor)
    {
        var implementation = descriptor.IsKeyedService
            ? descriptor.KeyedImplementationType?.Name ?? descriptor.KeyedImplementationInstance?.GetType().Name ?? "a factory"
            : descriptor.ImplementationType?.Name ?? descriptor.ImplementationInstance?.GetType().Name ?? "a factory";
        return $"{descriptor.Lifetime} {implementation}";
    }

    /// <summary>The options type the start-up check hangs on; it holds nothing.</summary>
    internal sealed class CheckOptions;

    private sealed record Registration(ServiceDescriptor Descriptor, string Owner, string Remedy);
}
