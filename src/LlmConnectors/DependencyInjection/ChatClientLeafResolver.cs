using System.Collections.Concurrent;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace LlmConnectors.DependencyInjection;

/// <summary>
/// Finds leaf clients by name for pipelines built from configuration: first the <see cref="IChatClientLeafFactory"/> registrations
/// (the last one registered for a name wins), then keyed <see cref="IChatClient"/> services. A leaf made by a factory is created once
/// and disposed with the service provider; pipelines get a handle whose disposal leaves the shared leaf alone.
/// </summary>
internal sealed class ChatClientLeafResolver : IDisposable
{
    private readonly IServiceProvider _services;
    private readonly Dictionary<string, IChatClientLeafFactory> _factories = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, Lazy<IChatClient>> _created = new(StringComparer.OrdinalIgnoreCase);

    public ChatClientLeafResolver(IServiceProvider services, IEnumerable<IChatClientLeafFactory> factories)
    {
        _services = services;
        foreach (var factory in factories)
        {
            _factories[factory.Name] = factory;
        }
    }

    /// <summary>Gets the names registered through factories, for error messages.</summary>
    public string KnownNames => _factories.Count == 0
        ? "none registered through AddChatClientLeaf or an AddXxxChatClient method"
        : string.Join(", ", _factories.Keys.Order(StringComparer.OrdinalIgnoreCase).Select(n => $"'{n}'"));

    public bool Exists(string name) =>
        _factories.ContainsKey(name) || _services.GetService<IServiceProviderIsKeyedService>()?.IsKeyedService(typeof(IChatClient), name) == true;

    /// <summary>Gets the leaf client with the given name.</summary>
    /// <param name="name">The name.</param>
    /// <param name="settingPath">The configuration setting that named it, for the error message.</param>
    /// <returns>A handle on the shared leaf client.</returns>
    /// <exception cref="InvalidOperationException">No leaf client has that name.</exception>
    public IChatClient Get(string name, string settingPath)
    {
        if (_factories.TryGetValue(name, out var factory))
        {
            var client = _created.GetOrAdd(name, _ => new Lazy<IChatClient>(() => factory.CreateClient(_services)
                ?? throw new InvalidOperationException($"The leaf client factory '{name}' returned null; it must return an IChatClient."))).Value;
            return new SharedLeafChatClient(client);
        }

        if (_services.GetKeyedService<IChatClient>(name) is { } keyed)
        {
            return new SharedLeafChatClient(keyed);
        }

        throw new InvalidOperationException(UnknownLeafMessage(name, settingPath));
    }

    public string UnknownLeafMessage(string name, string settingPath) =>
        $"{settingPath} is '{name}', but no leaf client has that name (known: {KnownNames}). Register it with " +
        $"services.AddOpenRouterChatClient(...), AddClaudeCliChatClient(...), AddClaudeProxyChatClient(...), " +
        $"services.AddChatClientLeaf(\"{name}\", ...) or a keyed IChatClient service, or fix the setting.";

    public void Dispose()
    {
        foreach (var created in _created.Values)
        {
            if (created.IsValueCreated)
            {
                created.Value.Dispose();
            }
        }
    }

    /// <summary>A handle on a leaf shared by pipelines: its disposal does not dispose the leaf (the service provider does).</summary>
    private sealed class SharedLeafChatClient(IChatClient innerClient) : DelegatingChatClient(innerClient)
    {
        // The leaf is shared: pass "false" so that the base class leaves the inner client alone.
        protected override void Dispose(bool disposing) => base.Dispose(disposing: false);
    }
}
