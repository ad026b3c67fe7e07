using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Text.Json.Nodes;
using LlmConnectors.Cli.Backends;
using LlmConnectors.Cli.Doctor;
using LlmConnectors.Cli.Output;
using Spectre.Console;

namespace LlmConnectors.Cli.Commands;

/// <summary>
/// <c>llmc doctor</c>: checks every backend on one screen and says what to fix. Exit code 0 when at least one backend
/// is ready and nothing is broken, 3 otherwise. Keys are reported as "set" or "not set", never printed.
/// </summary>
internal static class DoctorCommand
{
    private static readonly TimeSpan HttpTimeout = TimeSpan.FromSeconds(10);

    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print the report as JSON {ok, ready, checks[]} for scripts." };
        var command = new Command("doctor", "Check the setup: the claude CLI (found, version, login), the keys, and whether OpenRouter and the proxy answer.")
        {
            json,
        };
        command.SetAction((parseResult, cancellationToken) => RunAsync(parseResult.GetValue(json), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(bool json, CancellationToken cancellationToken)
    {
        var settings = LlmcSettings.FromEnvironment();
        var checks = new List<DoctorCheck>();
        foreach (var problem in settings.Problems)
        {
            checks.Add(new DoctorCheck("Settings", CheckStatus.Error, problem, "Correct the variable or unset it."));
        }

        var cliReady = await CheckClaudeCliAsync(settings, checks, cancellationToken);
        var openRouterReady = await CheckOpenRouterAsync(settings, checks, cancellationToken);
        var proxyReady = await CheckProxyAsync(settings, checks, cancellationToken);
        var detected = CheckProviders(settings, checks);

        var ready = new List<string>();
        if (openRouterReady)
        {
            ready.Add("OpenRouter");
        }

        if (cliReady)
        {
            ready.Add("ClaudeCli");
        }

        if (proxyReady)
        {
            ready.Add("ClaudeProxy");
        }

        ready.AddRange(detected);

        if (ready.Count == 0)
        {
            // Nothing to talk to: every optional setup becomes something to fix.
            for (var i = 0; i < checks.Count; i++)
            {
                if (checks[i].Status == CheckStatus.Skipped)
                {
                    checks[i] = checks[i] with { Status = CheckStatus.Error };
                }
            }

            checks.Add(new DoctorCheck(
                "Backends",
                CheckStatus.Error,
                "no backend is ready: llmc chat, the samples and the notebooks have nothing to talk to",
                "Any one of the fixes above is enough."));
        }

        var ok = ready.Count > 0 && !checks.Any(c => c.Status == CheckStatus.Error);

        if (json)
        {
            JsonOutput.Write(new JsonObject
            {
                ["ok"] = ok,
                ["ready"] = new JsonArray(ready.Select(r => (JsonNode?)r).ToArray()),
                ["checks"] = new JsonArray(checks.Select(c => (JsonNode?)new JsonObject
                {
                    ["name"] = c.Name,
                    ["status"] = c.Status.ToString().ToLowerInvariant(),
                    ["detail"] = c.Detail,
                    ["fix"] = c.Fix,
                }).ToArray()),
            });
        }
        else
        {
            Render(checks, ready, ok);
        }

        return ok ? ExitCodes.Success : ExitCodes.SetupProblem;
    }

    /// <summary>
    /// Adds one line per provider the library knows, detected or not and why, exactly as <c>AddLlmConnectors</c> decides at start-up
    /// (the same report its log lines come from), read from the environment and <c>LLMC_CONFIG</c>.
    /// </summary>
    /// <returns>The detected providers that the live checks above do not cover (their keys are only detected, not tried).</returns>
    private static List<string> CheckProviders(LlmcSettings settings, List<DoctorCheck> checks)
    {
        using var providers = LlmcProviders.Create(configFile: null, settings, out var problems);
        if (providers is null)
        {
            checks.AddRange(problems.Select(problem => new DoctorCheck("Providers", CheckStatus.Error, problem, "Correct the setting it names.")));
            return [];
        }

        var detected = new List<string>();
        foreach (var provider in providers.Report.Providers)
        {
            var isDefault = provider.Name == providers.Report.DefaultProvider ? ", the default" : "";
            checks.Add(new DoctorCheck($"Provider {provider.Name} ({provider.Prefix}{isDefault})", provider.Detected ? CheckStatus.Ok : CheckStatus.Skipped, provider.Reason));
            if (provider.Detected && provider.Name is not (OpenRouterServiceCollectionExtensions.ServiceKey or ClaudeCliServiceCollectionExtensions.ServiceKey or ClaudeProxyServiceCollectionExtensions.ServiceKey))
            {
                detected.Add(provider.Name);
            }
        }

        return detected;
    }

    private static void Render(List<DoctorCheck> checks, List<string> ready, bool ok)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumn("check").AddColumn("status").AddColumn("detail");
        foreach (var check in checks)
        {
            var status = check.Status switch
            {
                CheckStatus.Ok => "[green]ok[/]",
                CheckStatus.Skipped => "[grey]not set up[/]",
                CheckStatus.Warning => "[yellow]warning[/]",
                _ => "[red]ERROR[/]",
            };
            table.AddRow(Markup.Escape(check.Name), status, Markup.Escape(check.Detail));
        }

        var console = Terminal.Out;
        console.Write(table);
        console.MarkupLine(ready.Count > 0
            ? $"Ready: [green]{Markup.Escape(string.Join(", ", ready))}[/]"
            : "Ready: [red]none[/]");

        var fixes = checks.Where(c => c.Fix is not null && c.Status is CheckStatus.Error or CheckStatus.Warning).ToList();
        var optional = checks.Where(c => c.Fix is not null && c.Status is CheckStatus.Skipped).ToList();
        if (fixes.Count > 0)
        {
            console.WriteLine();
            console.MarkupLine(ok ? "[yellow]To improve:[/]" : "[red]To fix:[/]");
            for (var i = 0; i < fixes.Count; i++)
            {
                console.MarkupLine($"  {i + 1}. [bold]{Markup.Escape(fixes[i].Name)}[/]: {Markup.Escape(fixes[i].Fix!)}");
            }
        }

        if (optional.Count > 0)
        {
            console.WriteLine();
            console.MarkupLine("[grey]Optional:[/]");
            foreach (var check in optional)
            {
                console.MarkupLine($"  - {Markup.Escape(check.Name)}: {Markup.Escape(check.Fix!)}");
            }
        }

        console.WriteLine();
        console.MarkupLine(ok ? "[green]All set.[/] Try: llmc chat \"Hello\"" : $"[red]Not ready.[/] Exit code {ExitCodes.SetupProblem}.");
    }

    private static async Task<bool> CheckClaudeCliAsync(LlmcSettings settings, List<DoctorCheck> checks, CancellationToken cancellationToken)
    {
        var executable = ExecutableLocator.FindClaude(settings);
        if (executable is null)
        {
            checks.Add(settings.ClaudeCliPath is { } configured
                ? new DoctorCheck("Claude CLI", CheckStatus.Error, $"{LlmcSettings.ClaudeCliPathVariable} is set to '{configured}', which does not exist",
                    $"Point {LlmcSettings.ClaudeCliPathVariable} at the claude executable (for example $(npm prefix -g)/bin/claude), or unset it to use claude on PATH.")
                : new DoctorCheck("Claude CLI", CheckStatus.Skipped, "claude was not found on PATH",
                    $"Install it: npm install -g @anthropic-ai/claude-code (needs Node.js 20+), or set {LlmcSettings.ClaudeCliPathVariable} to its full path."));
            return false;
        }

        using var cli = ClaudeClients.CreateCli(settings, null);
        var info = await cli.GetCliInfoAsync(cancellationToken);
        if (!info.IsInstalled)
        {
            checks.Add(new DoctorCheck("Claude CLI", CheckStatus.Error, $"{executable}: {info.Problem}",
                "Reinstall it: npm install -g @anthropic-ai/claude-code, and check that 'claude --version' works in a terminal."));
            return false;
        }

        checks.Add(new DoctorCheck("Claude CLI", CheckStatus.Ok, $"{executable}, version {info.Version}"));
        switch (info.IsLoggedIn)
        {
            case true:
                checks.Add(new DoctorCheck("Claude login", CheckStatus.Ok, $"logged in ({info.AuthMethod ?? "unknown method"})"));
                return true;
            case false:
                checks.Add(new DoctorCheck("Claude login", CheckStatus.Error, "not logged in",
                    "Run 'claude auth login' (a Claude subscription), or set ANTHROPIC_API_KEY (API billing)."));
                return false;
            default:
                checks.Add(new DoctorCheck("Claude login", CheckStatus.Warning, "could not tell ('claude auth status --json' gave no answer)",
                    "If a request fails with an authentication error, run 'claude auth login' or set ANTHROPIC_API_KEY."));
                return true;
        }
    }

    private static async Task<bool> CheckOpenRouterAsync(LlmcSettings settings, List<DoctorCheck> checks, CancellationToken cancellationToken)
    {
        if (!settings.HasOpenRouterKey)
        {
            checks.Add(new DoctorCheck("OpenRouter key", CheckStatus.Skipped, $"{LlmcSettings.OpenRouterApiKeyVariable} not set",
                $"For 300+ models behind one key: create a key at https://openrouter.ai/keys and set {LlmcSettings.OpenRouterApiKeyVariable}."));
            return false;
        }

        checks.Add(new DoctorCheck("OpenRouter key", CheckStatus.Ok, $"{LlmcSettings.OpenRouterApiKeyVariable} set"));
        using var http = new HttpClient { Timeout = HttpTimeout };
        var endpoint = settings.OpenRouterEndpoint.ToString().TrimEnd('/');
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, endpoint + "/key");
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", settings.OpenRouterApiKey);
            using var response = await http.SendAsync(request, cancellationToken);
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                checks.Add(new DoctorCheck("OpenRouter", CheckStatus.Error, $"{endpoint} rejected the key (HTTP {(int)response.StatusCode})",
                    $"The key in {LlmcSettings.OpenRouterApiKeyVariable} is wrong or revoked: create a new one at https://openrouter.ai/keys."));
                return false;
            }

            if (!response.IsSuccessStatusCode)
            {
                checks.Add(new DoctorCheck("OpenRouter", CheckStatus.Error, $"{endpoint}/key answered HTTP {(int)response.StatusCode}",
                    $"Check {LlmcSettings.OpenRouterBaseUrlVariable} (default {OpenRouterClientOptions.DefaultEndpoint}) and https://status.openrouter.ai."));
                return false;
            }

            checks.Add(new DoctorCheck("OpenRouter", CheckStatus.Ok, $"{endpoint} reachable, key accepted"));
            return true;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            checks.Add(new DoctorCheck("OpenRouter", CheckStatus.Error, $"cannot reach {endpoint}: {e.Message}",
                $"Check the network (proxy, firewall) and {LlmcSettings.OpenRouterBaseUrlVariable} (default {OpenRouterClientOptions.DefaultEndpoint})."));
            return false;
        }
    }

    private static async Task<bool> CheckProxyAsync(LlmcSettings settings, List<DoctorCheck> checks, CancellationToken cancellationToken)
    {
        if (settings.ClaudeProxyUrl is not { } url)
        {
            checks.Add(new DoctorCheck("Claude proxy", CheckStatus.Skipped, $"{LlmcSettings.ClaudeProxyUrlVariable} not set",
                $"To use a proxy on another machine: run 'llmc serve' there and set {LlmcSettings.ClaudeProxyUrlVariable}=http://host:3010 here."));
            return false;
        }

        var health = new Uri(url, "/health");
        using var http = new HttpClient { Timeout = HttpTimeout };
        try
        {
            using var response = await http.GetAsync(health, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                checks.Add(new DoctorCheck("Claude proxy", CheckStatus.Error, $"{health} answered HTTP {(int)response.StatusCode}",
                    "Look at the proxy's log; 'llmc doctor' on the proxy's machine checks its claude CLI."));
                return false;
            }

            var key = settings.ClaudeProxyApiKey is null ? "not set" : "set";
            checks.Add(new DoctorCheck("Claude proxy", CheckStatus.Ok, $"{url} healthy; {LlmcSettings.ClaudeProxyApiKeyVariable} {key}"));
            return true;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            checks.Add(new DoctorCheck("Claude proxy", CheckStatus.Error, $"cannot reach {health}: {e.Message}",
                $"Start it with 'llmc serve' (or dotnet run --project src/LlmConnectors.ClaudeProxy), or correct {LlmcSettings.ClaudeProxyUrlVariable}."));
            return false;
        }
    }
}
