// Helpers shared by the load runs: ports, the repository, percentiles, the process table.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using static LlmConnectors.TestServers.ProcessTree;

internal static class LoadSupport
{
    /// <summary>The environment of the CLI: a throwaway home, the scripted backend, no login of this machine, no nonessential traffic.</summary>
    public static Dictionary<string, string?> CliEnvironment(string home, string backendUrl) => new()
    {
        ["HOME"] = home,
        ["CLAUDE_CONFIG_DIR"] = Path.Combine(home, ".claude"),
        ["ANTHROPIC_API_KEY"] = "sk-ant-load-0000000000",
        ["ANTHROPIC_BASE_URL"] = backendUrl,
        ["ANTHROPIC_AUTH_TOKEN"] = null,
        ["CLAUDE_CODE_OAUTH_TOKEN"] = null,
        ["CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC"] = "1",
    };

    /// <summary>Starts the built proxy on a loopback port with the CLI environment, logging warnings only.</summary>
    public static ProcessStartInfo ProxyStartInfo(string proxyDll, int port, string claude, Dictionary<string, string?> cliEnvironment)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = Path.GetDirectoryName(proxyDll)!, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(proxyDll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        start.Environment.Remove("ASPNETCORE_URLS");
        start.Environment["ClaudeProxy__Cli__ExecutablePath"] = claude;
        start.Environment["ClaudeProxy__Cli__ConfigDirectory"] = cliEnvironment["CLAUDE_CONFIG_DIR"];
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in cliEnvironment)
        {
            if (value is null)
            {
                start.Environment.Remove(key);
            }
            else if (key != "CLAUDE_CONFIG_DIR")
            {
                start.Environment[$"ClaudeProxy__Cli__EnvironmentVariables__{key}"] = value;
            }
        }

        return start;
    }

    public static async Task<bool> WaitReadyAsync(HttpClient http, string baseUrl, Process server)
    {
        for (var i = 0; i < 300 && !server.HasExited; i++)
        {
            try
            {
                using var response = await http.GetAsync(baseUrl + "/health");
                if (response.IsSuccessStatusCode)
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        return false;
    }

    /// <summary>Records, every 100 ms until cancelled and once more at the end, the Claude CLI processes under the given processes.</summary>
    public static async Task SampleCliProcessesAsync(IReadOnlyList<int> roots, HashSet<int> seen, CancellationToken cancellationToken)
    {
        while (true)
        {
            foreach (var pid in roots.SelectMany(root => Descendants(root, includeZombies: true)).Where(IsClaude))
            {
                lock (seen)
                {
                    seen.Add(pid);
                }
            }

            if (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            try
            {
                await Task.Delay(100, cancellationToken);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    /// <summary>Sends SIGTERM and waits up to 30 s for the process to exit; then kills its whole tree.</summary>
    /// <returns><see langword="true"/> when it exited by itself.</returns>
    public static async Task<bool> StopAsync(Process process)
    {
        if (process.HasExited)
        {
            return true;
        }

        using (var term = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await term.WaitForExitAsync();
        }

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(stop.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return false;
        }
    }

    public static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static string FindRepositoryRoot()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "LlmConnectors.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("Run the load script inside the repository (LlmConnectors.sln was not found).");
    }
}
