/// <summary>The Claude proxy and the Claude Code CLI backends (merged from their branches).</summary>
internal static class ClaudeBackends
{
    public static QuickStartBackend? FromEnvironment() => null;
}
