using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LlmConnectors.IntegrationTests.OpenRouter;

/// <summary>
/// Runs the real <c>@dwmkerr/mock-llm</c> (pinned in tools/node) as a process on 127.0.0.1 and a free port, with a configuration
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

    private readonly Process _process;
    private readonly string _directory;
    private readonly StringBuilder _output;

    private MockLlmServer(Process process, string directory, int port, StringBuilder output)
    {
        _process = process;
        _directory = directory;
        _output = output;
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
        var port = FreePort();
        var start = new ProcessStartInfo(binary)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--config");
        start.ArgumentList.Add(configPath);
        start.Environment["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["HOST"] = "127.0.0.1";
        var output = new StringBuilder();
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {binary}.");
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new MockLlmServer(process, directory, port, output);
        try
        {
            await server.WaitUntilHealthyAsync(port, cancellationToken);
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
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless.
        }
    }

    private async Task WaitUntilHealthyAsync(int port, CancellationToken cancellationToken)
    {
        using var http = new HttpClient();
        var health = new Uri($"http://127.0.0.1:{port}/health");
        for (var attempt = 0; attempt < 300; attempt++)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"mock-llm exited with code {_process.ExitCode} before it was ready. Output:\n{Output()}");
            }

            try
            {
                using var response = await http.GetAsync(health, cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new InvalidOperationException($"mock-llm did not answer GET /health within 30 s. Output:\n{Output()}");
    }

    private string Output()
    {
        lock (_output)
        {
            return _output.ToString();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
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
