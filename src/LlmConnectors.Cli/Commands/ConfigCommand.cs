using System.CommandLine;
using System.Text.Json.Nodes;
using LlmConnectors.Cli.Backends;
using LlmConnectors.Cli.Output;
using Microsoft.Extensions.Configuration;
using Spectre.Console;

namespace LlmConnectors.Cli.Commands;

/// <summary>
/// <c>llmc config show</c> and <c>llmc config validate [file]</c>: the providers the library detects from the configuration (a JSON file
/// and the environment), the model each uses, the settings with secrets masked, and every problem with the setting it concerns.
/// </summary>
internal static class ConfigCommand
{
    /// <summary>The configuration sections <c>AddLlmConnectors</c> reads.</summary>
    private static readonly string[] Sections = ["OpenAI", "Anthropic", "Gemini", "VertexAI", "OpenRouter", "ClaudeCli", "ClaudeProxy", "LlmConnectors"];

    /// <summary>Words that mark a setting as a secret.</summary>
    private static readonly string[] SecretWords = ["key", "token", "secret", "password"];

    public static Command Create()
    {
        var config = ConfigOption.Create();
        var json = new Option<bool>("--json") { Description = "Print one JSON object {file, valid, defaultProvider, providers, settings, problems} for scripts." };
        var show = new Command("show", "List the providers (configured or not, and why), the model each uses, the settings with secrets masked, and every problem.")
        {
            config, json,
        };
        show.SetAction(parseResult => Run(parseResult.GetValue(config), parseResult.GetValue(json), validateOnly: false));

        var file = new Argument<string?>("file")
        {
            Description = $"The JSON file to check. Default: --config, else {LlmcProviders.ConfigFileVariable}, else the environment only.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var validateConfig = ConfigOption.Create();
        var validateJson = new Option<bool>("--json") { Description = "Print the same JSON object as 'config show --json'." };
        var validate = new Command("validate", "Check the configuration: exit code 0 when every configured provider's settings are valid, 3 with each problem and its setting.")
        {
            file, validateConfig, validateJson,
        };
        validate.SetAction(parseResult => Run(parseResult.GetValue(file) ?? parseResult.GetValue(validateConfig), parseResult.GetValue(validateJson), validateOnly: true));

        return new Command("config", "Show or validate the providers' configuration (environment variables, and a JSON file with --config or LLMC_CONFIG).")
        {
            show, validate,
        };
    }

    private static int Run(string? configFile, bool json, bool validateOnly)
    {
        using var providers = LlmcProviders.Create(configFile, LlmcSettings.FromEnvironment(), out var creationProblems);
        var problems = new List<string>(creationProblems);
        var rows = new List<ProviderRow>();
        if (providers is not null)
        {
            foreach (var provider in providers.Report.Providers)
            {
                string? model = null;
                if (provider.Detected)
                {
                    try
                    {
                        model = providers.DefaultModel(provider.Name);
                    }
                    catch (Exception e) when (e is ArgumentException or InvalidOperationException or LlmConnectorException)
                    {
                        problems.Add($"{provider.Name}: {e.Message}");
                    }
                }

                rows.Add(new ProviderRow(provider.Name, provider.Prefix, provider.Detected, provider.Reason, model));
            }
        }

        var file = providers?.ConfigFile ?? configFile ?? Environment.GetEnvironmentVariable(LlmcProviders.ConfigFileVariable);
        var settings = providers is null ? [] : MaskedSettings(providers.Configuration);
        var valid = problems.Count == 0;
        if (json)
        {
            JsonOutput.Write(new JsonObject
            {
                ["file"] = file,
                ["valid"] = valid,
                ["defaultProvider"] = providers?.Report.DefaultProvider,
                ["providers"] = new JsonArray([.. rows.Select(r => (JsonNode?)new JsonObject
                {
                    ["name"] = r.Name, ["prefix"] = r.Prefix, ["configured"] = r.Detected, ["reason"] = r.Reason, ["model"] = r.Model,
                })]),
                ["settings"] = new JsonObject(settings.Select(s => KeyValuePair.Create(s.Key, (JsonNode?)s.Value))),
                ["problems"] = new JsonArray([.. problems.Select(p => (JsonNode?)p)]),
            });
            return valid ? ExitCodes.Success : ExitCodes.SetupProblem;
        }

        var output = Terminal.Out;
        output.MarkupLine($"Configuration: {Markup.Escape(file is null ? "the environment only (no file)" : $"{file} and the environment")}");
        if (rows.Count > 0)
        {
            var table = new Table().Border(TableBorder.Simple).AddColumn("provider").AddColumn("prefix").AddColumn("model").AddColumn("status");
            foreach (var row in rows)
            {
                table.AddRow(
                    Markup.Escape(row.Name),
                    Markup.Escape(row.Prefix),
                    Markup.Escape(row.Model ?? (row.Detected ? "(none)" : "-")),
                    (row.Detected ? "[green]configured[/]: " : "[grey]not configured[/]: ") + Markup.Escape(row.Reason));
            }

            output.Write(table);
            output.MarkupLine($"Default provider (model ids without a known prefix): {Markup.Escape(providers!.Report.DefaultProvider ?? "none")}");
        }

        if (!validateOnly && settings.Count > 0)
        {
            output.MarkupLine("Settings (secrets masked):");
            foreach (var (key, value) in settings)
            {
                output.MarkupLine($"  {Markup.Escape(key)} = {Markup.Escape(value)}");
            }
        }

        if (valid)
        {
            output.MarkupLine($"[green]Valid[/]: {rows.Count(r => r.Detected)} provider(s) configured.");
            return ExitCodes.Success;
        }

        output.MarkupLine($"[red]{problems.Count} problem(s)[/]:");
        foreach (var problem in problems)
        {
            output.MarkupLine($"  - {Markup.Escape(problem)}");
        }

        return ExitCodes.SetupProblem;
    }

    /// <summary>
    /// The settings of the sections <c>AddLlmConnectors</c> reads, by path. A value of a key that holds a secret (its name contains key,
    /// token, secret or password) is shown as <c>****</c>, unless it is a <c>${VAR}</c> reference (the name of a variable is no secret).
    /// </summary>
    private static List<KeyValuePair<string, string>> MaskedSettings(IConfiguration configuration)
    {
        var settings = new List<KeyValuePair<string, string>>();
        foreach (var section in Sections)
        {
            foreach (var (key, value) in configuration.GetSection(section).AsEnumerable().Where(e => e.Value is not null).OrderBy(e => e.Key, StringComparer.OrdinalIgnoreCase))
            {
                var name = key[(key.LastIndexOf(':') + 1)..];
                var secret = SecretWords.Any(word => name.Contains(word, StringComparison.OrdinalIgnoreCase));
                var isReference = value!.StartsWith("${", StringComparison.Ordinal) && value.EndsWith('}');
                settings.Add(KeyValuePair.Create(key, secret && !isReference ? "****" : value));
            }
        }

        return settings;
    }

    private sealed record ProviderRow(string Name, string Prefix, bool Detected, string Reason, string? Model);
}
