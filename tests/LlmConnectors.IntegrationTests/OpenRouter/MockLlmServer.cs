using LlmConnectors.IntegrationTests.Samples;

namespace LlmConnectors.IntegrationTests.OpenRouter;

/// <summary>
/// Runs the real <c>@dwmkerr/mock-llm</c> (pinned in tools/node) as a process (CliWrap, through <see cref="BackgroundProgram"/>) on 127.0.0.1 and a free port, with a configuration
/// that echoes the last user message, answers <c>error-429</c> with a 429, and lists one model. Killed on dispose.
/// </summary>
public sealed class MockLlmServer : IAsyncDisposable
{
    private const string Config = """
        streaming:
          chunkSize: 5
          chunkIntervalMs: 0
        rules:
          - path: "/v1/chat/completions"
            method: "POST"
            match: "@"
            response:
              status: 200
              content: |
                {
                  "id": "chatcmpl-{{timestamp}}",
                  "object": "chat.completion",
                  "model": "{{jmes request body.model}}",
                  "choices": [{
                    "message": {"role": "assistant", "content": "{{jmes request body.messages[-1].content}}"},
                    "finish_reason": "stop"
                  }],
                  "usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5}
                }
          - path: "/v1/chat/completions"
            method: "POST"
            match: "contains(body.messages[-1].content, 'error-429')"
            response:
              status: 429
              content: '{"error":{"message":"Rate limit reached","type":"rate_limit_error","code":"rate_limit_exceeded"}}'
          - path: "/v1/models"
            method: "GET"
            response:
              status: 200
              content: '{"object":"list","data":[{"id":"gpt-4o-mini","object":"model","owned_by":"openai"}]}'
        """;

    private readonly BackgroundProgram _program;
    private readonly string _directory;

    private MockLlmServer(BackgroundProgram program, string directory, int port)
    {
        _program = program;
        _directory = directory;
        Endpoint = new Uri($"http://127.0.0.1:{port}/v1");
    }

    /// <summary>Gets the OpenAI-compatible API address, <c>http://127.0.0.1:{port}/v1</c>.</summary>
    public Uri Endpoint { get; }

    public static async Task<MockLlmServer> StartAsync(CancellationToken cancellationToken)
    {
        var root = FindRepoRoot();
        var binary = Path.Combine(root, "tools", "node", "node_modules", ".bin", "mock-llm");
        if (!File.Exists(binary))
        {
            throw new InvalidOperationException(
                $"mock-llm is not installed at {binary}. Build the integration tests (dotnet build tests/LlmConnectors.IntegrationTests), which runs 'npm ci' in tools/node, or run 'npm ci' in {Path.Combine(root, "tools", "node")} yourself (Node.js 20+ with npm is required).");
        }

        var directory = Path.Combine(Path.GetTempPath(), "llmconnectors-mock-llm-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var configPath = Path.Combine(directory, "mock-llm.yaml");
        await File.WriteAllTextAsync(configPath, Config, cancellationToken);
        var port = BackgroundProgram.FreePort();
        var program = BackgroundProgram.Start(
            binary,
            ["--config", configPath],
            directory,
            new Dictionary<string, string?> { ["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture), ["HOST"] = "127.0.0.1" });
        var server = new MockLlmServer(program, directory, port);
        try
        {
            await program.WaitUntilHealthyAsync(new Uri($"http://127.0.0.1:{port}/health"), TimeSpan.FromSeconds(90), cancellationToken);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _program.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless.
        }
    }

    private static string FindRepoRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "LlmConnectors.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"Could not find LlmConnectors.sln above {AppContext.BaseDirectory}; run the tests from the repository.");
    }
}
