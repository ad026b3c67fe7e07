namespace LlmConnectors.Cli.Backends;

/// <summary>A provider <c>llmc chat --backend</c> can force; each is one of the library's leaves (see <see cref="LlmcProviders.ProviderName"/>).</summary>
internal enum BackendKind
{
    /// <summary>OpenAI (<c>openai</c>: <c>OPENAI_API_KEY</c> or <c>OpenAI:ApiKey</c>).</summary>
    OpenAI,

    /// <summary>Anthropic (<c>anthropic</c>: <c>ANTHROPIC_API_KEY</c> or <c>Anthropic:ApiKey</c>).</summary>
    Anthropic,

    /// <summary>The Gemini API (<c>gemini</c>: <c>GEMINI_API_KEY</c>, <c>GOOGLE_API_KEY</c> or <c>Gemini:ApiKey</c>).</summary>
    Gemini,

    /// <summary>Vertex AI (<c>vertex</c>: Google application-default credentials and a project).</summary>
    VertexAI,

    /// <summary>OpenRouter (<c>openrouter</c>: <c>OPENROUTER_API_KEY</c>).</summary>
    OpenRouter,

    /// <summary>The local Claude Code CLI (<c>claude-cli</c>: <c>claude</c> on PATH or <c>CLAUDE_CLI_PATH</c>).</summary>
    ClaudeCli,

    /// <summary>A running Claude proxy (<c>claude-proxy</c>: <c>CLAUDE_PROXY_URL</c>).</summary>
    ClaudeProxy,
}
