using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace LlmConnectors.DependencyInjection;

/// <summary>
/// Finds leaf clients by name for pipelines built from configuration: a leaf is a keyed <see cref="IChatClient"/> service (the connectors'
/// <c>AddXxxChatClient</c> methods register theirs under <c>openrouter</c>, <c>claude-cli</c> and <c>claude-proxy</c>), its name matched
/// exactly or else without regard to case. Pipelines get a handle whose disposal leaves the shared leaf to the service provider.
/// </summary>
internal sealed class ChatClientLeafResolver(IServiceProvider services, ChatClientRegistrationGuard registrations)
{
    /// <summary>Gets the known leaf names, for error messages.</summary>
    public string KnownNames => registrations.KnownLeaves();

    public bool Exists(string name) => registrations.FindLeaf(name) is not null;

    /// <summary>Gets the leaf client with the given name.</summary>
    /// <param name="name">The name.</param>
    /// <param name="settingPath">The configuration setting that named it, for the error message.</param>
    /// <returns>A handle on the shared leaf client.</returns>
    /// <exception cref="InvalidOperationException">No leaf client has that name.</exception>
    public IChatClient Get(string name, string settingPath) =>
        registrations.FindLeaf(name) is { } key
            ? new SharedLeafChatClient(services.GetRequiredKeyedService<IChatClient>(key))
            : throw new InvalidOperationException(UnknownLeafMessage(name, settingPath));

    public string UnknownLeafMessage(string name, string settingPath) =>
        $"{settingPath} is '{name}', but no leaf client has that name (known: {KnownNames}). Register it with " +
        $"services.AddOpenRouterChatClient(...), AddClaudeCliChatClient(...), AddClaudeProxyChatClient(...) or " +
        $"services.AddKeyedChatClient(\"{name}\", ...), or fix the setting.";

    /// <summary>A handle on a leaf shared by pipelines: its disposal does not dispose the leaf (the service provider does).</summary>
    private sealed class SharedLeafChatClient(IChatClient innerClient) : DelegatingChatClient(innerClient)
    {
        // The leaf is shared: pass "false" so that the base class leaves the inner client alone.
        protected override void Dispose(bool disposing) => base.Dispose(disposing: false);
    }
}
