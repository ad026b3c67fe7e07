/// <summary>The same proxy through <c>ClaudeProxyChatClient</c> (merged from its branch).</summary>
internal static class ProxyChatClientDemo
{
    public static Task<int> RunAsync(Uri baseUri, string apiKey) => Task.FromResult(baseUri.IsAbsoluteUri && apiKey.Length > 0 ? 0 : 1);
}
