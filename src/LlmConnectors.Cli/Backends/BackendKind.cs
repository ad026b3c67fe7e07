namespace LlmConnectors.Cli.Backends;

/// <summary>Where <c>llmc chat</c> sends a request.</summary>
internal enum BackendKind
{
    /// <summary>OpenRouter (needs <c>OPENROUTER_API_KEY</c>).</summary>
    OpenRouter,

    /// <summary>The local Claude Code CLI (needs <c>claude</c> on PATH or <c>CLAUDE_CLI_PATH</c>).</summary>
    ClaudeCli,

    /// <summary>A running Claude proxy (needs <c>CLAUDE_PROXY_URL</c>).</summary>
    ClaudeProxy,
}
