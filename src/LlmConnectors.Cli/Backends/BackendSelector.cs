namespace LlmConnectors.Cli.Backends;

/// <summary>
/// Chooses the backend for <c>llmc chat</c>: <c>--backend</c> wins; otherwise the model prefix decides
/// (<c>openrouter/...</c> to OpenRouter, <c>max/...</c> to the proxy when <c>CLAUDE_PROXY_URL</c> is set else the
/// CLI, <c>cli/...</c> to the CLI, <c>proxy/...</c> to the proxy, any other <c>vendor/model</c> to OpenRouter,
/// a bare name such as <c>sonnet</c> to Claude); with no model, the first configured of OpenRouter, the proxy, the CLI.
/// </summary>
internal static class BackendSelector
{
    /// <summary>Selects a backend.</summary>
    /// <returns>The selection, or <see langword="null"/> with <paramref name="problem"/> saying what to set.</returns>
    public static BackendSelection? Select(string? model, BackendKind? forced, LlmcSettings settings, Func<bool> claudeFound, out string? problem)
    {
        problem = null;
        if (forced is { } backend)
        {
            return new BackendSelection(backend, StripPrefix(model) ?? DefaultModel(backend, settings));
        }

        if (model is not null)
        {
            var slash = model.IndexOf('/', StringComparison.Ordinal);
            var prefix = slash > 0 ? model[..slash] : null;
            var rest = slash > 0 ? model[(slash + 1)..] : model;
            switch (prefix)
            {
                case "openrouter":
                    return new BackendSelection(BackendKind.OpenRouter, rest);
                case "max":
                    return new BackendSelection(settings.ClaudeProxyUrl is not null ? BackendKind.ClaudeProxy : BackendKind.ClaudeCli, rest);
                case "cli":
                    return new BackendSelection(BackendKind.ClaudeCli, rest);
                case "proxy":
                    return new BackendSelection(BackendKind.ClaudeProxy, rest);
                case not null:
                    return new BackendSelection(BackendKind.OpenRouter, model);
                default:
                    return new BackendSelection(settings.ClaudeProxyUrl is not null && !claudeFound() ? BackendKind.ClaudeProxy : BackendKind.ClaudeCli, model);
            }
        }

        if (settings.HasOpenRouterKey)
        {
            return new BackendSelection(BackendKind.OpenRouter, settings.OpenRouterModel);
        }

        if (settings.ClaudeProxyUrl is not null)
        {
            return new BackendSelection(BackendKind.ClaudeProxy, settings.ClaudeModel);
        }

        if (claudeFound())
        {
            return new BackendSelection(BackendKind.ClaudeCli, settings.ClaudeModel);
        }

        problem = "No backend is configured. Set one of:" + Environment.NewLine
            + $"  {LlmcSettings.OpenRouterApiKeyVariable}=sk-or-...      an OpenRouter key (https://openrouter.ai/keys)" + Environment.NewLine
            + $"  {LlmcSettings.ClaudeProxyUrlVariable}=http://127.0.0.1:3010   a running Claude proxy (llmc serve)" + Environment.NewLine
            + "  or install the Claude Code CLI: npm install -g @anthropic-ai/claude-code (or set CLAUDE_CLI_PATH)" + Environment.NewLine
            + "Run 'llmc doctor' to check the setup.";
        return null;
    }

    private static string? StripPrefix(string? model)
    {
        if (model is null)
        {
            return null;
        }

        foreach (var prefix in new[] { "openrouter/", "max/", "cli/", "proxy/" })
        {
            if (model.StartsWith(prefix, StringComparison.Ordinal))
            {
                return model[prefix.Length..];
            }
        }

        return model;
    }

    private static string DefaultModel(BackendKind backend, LlmcSettings settings) =>
        backend == BackendKind.OpenRouter ? settings.OpenRouterModel : settings.ClaudeModel;
}
