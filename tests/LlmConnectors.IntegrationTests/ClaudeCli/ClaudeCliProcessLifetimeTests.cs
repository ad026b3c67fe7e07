using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using LlmConnectors.IntegrationTests.ClaudeProxy;
using LlmConnectors.TestServers.Anthropic;
using LlmConnectors.TestServers;

namespace LlmConnectors.IntegrationTests.ClaudeCli;

/// <summary>CLI processes die with the process that started them, even when it is killed with SIGKILL.</summary>
public sealed class ClaudeCliProcessLifetimeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task HostKilledWithSigkill_RequestsInFlightAndWarmPool_NoCliProcessSurvives()
    {
        Assert.True(OperatingSystem.IsLinux(), "This test needs Linux (the parent-death signal).");
        Assert.True(
            (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Any(d => File.Exists(Path.Combine(d, "setpriv"))),
            "setpriv is missing; install util-linux (apt-get install util-linux).");
        await using var backend = await ScriptedAnthropicServer.StartAsync(Ct);
        backend.DefaultReply = _ => ScriptedAnthropicReply.Hang();
        await using var proxy = await ProxyProcess.StartAsync(backend, new Dictionary<string, string>
        {
            ["ClaudeProxy__Cli__WarmPoolSize"] = "2",
            ["ClaudeProxy__Cli__MaxConcurrency"] = "4",
            ["ClaudeProxy__Cli__Retry__Enabled"] = "false",
        });
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(120) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ProxyProcess.ApiKey);
        using var abandon = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var calls = Enumerable.Range(0, 3).Select(i => http.PostAsync(
            proxy.BaseUrl + "/v1/chat/completions",
            new StringContent($$"""{"model":"sonnet","messages":[{"role":"user","content":"Hang {{i}}"}],"stream":{{(i == 0 ? "true" : "false")}}}""", Encoding.UTF8, "application/json"),
            abandon.Token)).ToList();
        for (var i = 0; i < 600 && backend.Requests.Count < 3; i++)
        {
            await Task.Delay(100, Ct);
        }

        Assert.Equal(3, backend.Requests.Count);
        var tree = ProcessTree.Descendants(proxy.ProcessId);
        Assert.True(tree.Count(ProcessTree.IsClaude) >= 3, $"Expected the 3 CLI processes of the requests in flight under the proxy, found: {string.Join(", ", tree)}.");

        using (var host = Process.GetProcessById(proxy.ProcessId))
        {
            host.Kill(); // SIGKILL: the proxy gets no chance to clean up.
        }

        for (var i = 0; i < 100 && tree.Any(ProcessTree.IsAlive); i++)
        {
            await Task.Delay(100, Ct);
        }

        var survivors = tree.Where(ProcessTree.IsAlive).ToList();
        Assert.True(survivors.Count == 0, $"Processes {string.Join(", ", survivors)} (started under the proxy) survived its SIGKILL.");
        await abandon.CancelAsync();
        foreach (var call in calls)
        {
            await Assert.ThrowsAnyAsync<Exception>(() => call);
        }
    }
}
