using Microsoft.Extensions.AI;

namespace LlmConnectors;

/// <summary>
/// Sets OpenRouter's request extras on a <see cref="ChatOptions"/> as typed objects. They are stored in
/// <see cref="ChatOptions.AdditionalProperties"/>, so they survive <see cref="ChatOptions.Clone"/> and every middleware, and
/// <see cref="OpenRouterChatClient"/> serializes them into the request body (other clients ignore or pass them through).
/// </summary>
/// <remarks>A value set here replaces the default of the same name in <see cref="OpenRouterClientOptions"/> for that request.</remarks>
public static class OpenRouterChatOptionsExtensions
{
    /// <summary>The <see cref="ChatOptions.AdditionalProperties"/> key of the fallback model list (<c>models</c>).</summary>
    public const string ModelsKey = "models";

    /// <summary>The <see cref="ChatOptions.AdditionalProperties"/> key of the provider preferences (<c>provider</c>).</summary>
    public const string ProviderKey = "provider";

    /// <summary>The <see cref="ChatOptions.AdditionalProperties"/> key of the plugins (<c>plugins</c>).</summary>
    public const string PluginsKey = "plugins";

    /// <summary>The <see cref="ChatOptions.AdditionalProperties"/> key of the reasoning settings (<c>reasoning</c>).</summary>
    public const string ReasoningKey = "reasoning";

    /// <summary>The <see cref="ChatOptions.AdditionalProperties"/> key of the end-user id (<c>user</c>).</summary>
    public const string UserKey = "user";

    /// <summary>Sets the models OpenRouter tries, in order, when the first one fails or refuses the request.</summary>
    /// <param name="options">The options to change.</param>
    /// <param name="models">The model ids, for example <c>"anthropic/claude-sonnet-4.5", "openai/gpt-4o"</c>.</param>
    /// <returns><paramref name="options"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or <paramref name="models"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A model id is empty.</exception>
    public static ChatOptions WithOpenRouterModels(this ChatOptions options, params IEnumerable<string> models)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(models);
        var list = new List<string>(models);
        if (list.Exists(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("Every fallback model id must be a non-empty id such as \"openai/gpt-4o\".", nameof(models));
        }

        return Set(options, ModelsKey, list);
    }

    /// <summary>Sets the provider routing preferences of the request.</summary>
    /// <param name="options">The options to change.</param>
    /// <param name="provider">The preferences.</param>
    /// <returns><paramref name="options"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or <paramref name="provider"/> is <see langword="null"/>.</exception>
    public static ChatOptions WithOpenRouterProvider(this ChatOptions options, OpenRouterProviderPreferences provider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(provider);
        return Set(options, ProviderKey, provider);
    }

    /// <summary>Sets the plugins of the request (web search, PDF parsing, ...).</summary>
    /// <param name="options">The options to change.</param>
    /// <param name="plugins">The plugins.</param>
    /// <returns><paramref name="options"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or <paramref name="plugins"/> is <see langword="null"/>.</exception>
    public static ChatOptions WithOpenRouterPlugins(this ChatOptions options, params IEnumerable<OpenRouterPlugin> plugins)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(plugins);
        return Set(options, PluginsKey, new List<OpenRouterPlugin>(plugins));
    }

    /// <summary>Sets OpenRouter's reasoning settings of the request (they take precedence over <see cref="ChatOptions.Reasoning"/>).</summary>
    /// <param name="options">The options to change.</param>
    /// <param name="reasoning">The reasoning settings.</param>
    /// <returns><paramref name="options"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or <paramref name="reasoning"/> is <see langword="null"/>.</exception>
    public static ChatOptions WithOpenRouterReasoning(this ChatOptions options, OpenRouterReasoningOptions reasoning)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(reasoning);
        return Set(options, ReasoningKey, reasoning);
    }

    /// <summary>Sets the id of the end user the request is made for (<c>user</c>), which providers use to detect abuse.</summary>
    /// <param name="options">The options to change.</param>
    /// <param name="userId">A stable, non-identifying id of the end user.</param>
    /// <returns><paramref name="options"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="userId"/> is empty.</exception>
    public static ChatOptions WithEndUserId(this ChatOptions options, string userId)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        return Set(options, UserKey, userId);
    }

    private static ChatOptions Set(ChatOptions options, string key, object value)
    {
        (options.AdditionalProperties ??= [])[key] = value;
        return options;
    }
}
