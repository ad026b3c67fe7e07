using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using LlmConnectors.Cli.Backends;
using LlmConnectors.Cli.Output;
using Microsoft.Extensions.AI;
using Spectre.Console;

namespace LlmConnectors.Cli.Commands;

/// <summary>
/// <c>llmc models</c>: the models of every configured provider, listed concurrently (OpenRouter's with prices, context lengths and
/// modalities); a provider that fails is reported with its error and the others are still listed. With nothing configured, OpenRouter's
/// public catalogue (it needs no key).
/// </summary>
internal static class ModelsCommand
{
    public static Command Create()
    {
        var search = new Argument<string?>("search")
        {
            Description = "Only models whose id or name contains this text (case-insensitive).",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var modality = new Option<string[]>("--modality")
        {
            Description = "Only models that accept this input modality (text, image, file, audio); repeat for several.",
            AllowMultipleArgumentsPerToken = true,
        };
        var maxPrice = new Option<decimal?>("--max-price")
        {
            Description = "Only models whose prompt price is at most this many USD per million tokens (0 for free models).",
        };
        var sort = new Option<string>("--sort")
        {
            Description = "Order by id, price (prompt price, cheapest first) or context (largest first).",
            DefaultValueFactory = _ => "id",
        };
        sort.AcceptOnlyFromAmong("id", "price", "context");
        var limit = new Option<int?>("--limit") { Description = "Show at most this many models." };
        var json = new Option<bool>("--json") { Description = "Print a JSON array for scripts (prices in USD per million tokens)." };
        var config = ConfigOption.Create();

        var command = new Command(
            "models",
            "List the models of every configured provider, concurrently (OpenRouter's with prices, context length and input modalities). "
            + "A provider that fails is reported on stderr and the others are still listed (exit code 1). With nothing configured: OpenRouter's public catalogue.")
        {
            search, modality, maxPrice, sort, limit, json, config,
        };
        command.SetAction((parseResult, cancellationToken) => RunAsync(
            parseResult.GetValue(search),
            parseResult.GetValue(modality) ?? [],
            parseResult.GetValue(maxPrice),
            parseResult.GetValue(sort) ?? "id",
            parseResult.GetValue(limit),
            parseResult.GetValue(json),
            parseResult.GetValue(config),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(
        string? search, string[] modalities, decimal? maxPrice, string sort, int? limit, bool json, string? configFile, CancellationToken cancellationToken)
    {
        var settings = LlmcSettings.FromEnvironment();
        using var providers = LlmcProviders.Create(configFile, settings, out var problems);
        if (providers is null)
        {
            problems.ToList().ForEach(Terminal.WriteError);
            return ExitCodes.SetupProblem;
        }

        List<ProviderModels> listed;
        try
        {
            listed = [.. await Task.WhenAll(Sources(providers, settings).Select(source => ListAsync(source, cancellationToken)))];
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Cancelled;
        }

        var models = listed.SelectMany(p => p.Models).ToList();
        IEnumerable<ModelRow> selected = models;
        if (!string.IsNullOrWhiteSpace(search))
        {
            selected = selected.Where(m => m.Id.Contains(search, StringComparison.OrdinalIgnoreCase)
                || (m.Details?.Name?.Contains(search, StringComparison.OrdinalIgnoreCase) ?? false));
        }

        foreach (var modality in modalities)
        {
            selected = selected.Where(m => m.Details?.InputModalities.Contains(modality, StringComparer.OrdinalIgnoreCase) ?? false);
        }

        if (maxPrice is { } max)
        {
            selected = selected.Where(m => PerMillion(m.Details?.Pricing.Prompt) is { } price && price <= max);
        }

        selected = sort switch
        {
            "price" => selected.OrderBy(m => PerMillion(m.Details?.Pricing.Prompt) ?? decimal.MaxValue).ThenBy(m => m.Model, StringComparer.Ordinal),
            "context" => selected.OrderByDescending(m => m.Details?.ContextLength ?? 0).ThenBy(m => m.Model, StringComparer.Ordinal),
            _ => selected.OrderBy(m => m.Model, StringComparer.Ordinal),
        };
        if (limit is { } count)
        {
            selected = selected.Take(count);
        }

        var list = selected.ToList();
        var failed = listed.Where(p => p.Error is not null).ToList();
        foreach (var failure in failed)
        {
            Terminal.WriteError($"{LlmcProviders.DisplayName(failure.Provider)}: could not list the models ({failure.Error}); the other providers are listed.");
        }

        var exitCode = failed.Count > 0 ? ExitCodes.RequestFailed : ExitCodes.Success;
        if (json)
        {
            JsonOutput.Write(new JsonArray(list.Select(ToJson).ToArray<JsonNode?>()));
            return exitCode;
        }

        var table = new Table().Border(TableBorder.Simple)
            .AddColumn("model")
            .AddColumn(new TableColumn("context").RightAligned())
            .AddColumn(new TableColumn("$/M in").RightAligned())
            .AddColumn(new TableColumn("$/M out").RightAligned())
            .AddColumn("input");
        foreach (var model in list)
        {
            table.AddRow(
                Markup.Escape(model.Model),
                model.Details?.ContextLength is { } context ? context.ToString("N0", CultureInfo.InvariantCulture) : "?",
                FormatPrice(model.Details?.Pricing.Prompt),
                FormatPrice(model.Details?.Pricing.Completion),
                Markup.Escape(model.Details is { } details ? string.Join(',', details.InputModalities) : "?"));
        }

        Terminal.Out.Write(table);
        var from = string.Join(", ", listed.Where(p => p.Error is null).Select(p => $"{LlmcProviders.DisplayName(p.Provider)} ({p.Source})"));
        Terminal.Error.MarkupLine($"[grey]{list.Count} of {models.Count} models from {Markup.Escape(from.Length == 0 ? "no provider" : from)}[/]");
        return exitCode;
    }

    /// <summary>The configured providers; with none, OpenRouter's public catalogue through a client that needs no key.</summary>
    private static IEnumerable<Source> Sources(LlmcProviders providers, LlmcSettings settings)
    {
        if (providers.Detected.Count == 0)
        {
            var endpoint = Uri.TryCreate(providers.Configuration["OpenRouter:Endpoint"], UriKind.Absolute, out var configured) ? configured : settings.OpenRouterEndpoint;

            // GET /models is public; a client needs some key to be constructed.
            yield return new Source("openrouter", "openrouter/", new OpenRouterChatClient(new OpenRouterClientOptions
            {
                ApiKey = "sk-or-not-needed-for-models",
                Endpoint = endpoint,
                AppTitle = "llmc",
            }), Owned: true);
            yield break;
        }

        foreach (var provider in providers.Detected)
        {
            yield return new Source(provider.Name, provider.Prefix, providers.Leaf(provider.Name), Owned: false);
        }
    }

    private static async Task<ProviderModels> ListAsync(Source source, CancellationToken cancellationToken)
    {
        var endpoint = source.Client.GetService<ChatClientMetadata>()?.ProviderUri?.ToString() ?? source.Name;
        try
        {
            IReadOnlyList<ModelRow> rows;
            if (source.Client.GetService<OpenRouterChatClient>() is { } openRouter)
            {
                rows = [.. (await openRouter.ListModelsAsync(cancellationToken)).Select(m => new ModelRow(source.Name, m.Id, source.Prefix + m.Id, m))];
            }
            else
            {
                var ids = source.Client.GetService<ConnectorLeafChatClient>() is { } leaf ? await leaf.ListModelsAsync(cancellationToken)
                    : source.Client.GetService<ClaudeProxyChatClient>() is { } proxy ? await proxy.ListModelsAsync(cancellationToken)
                    : source.Client.GetService<ClaudeCliChatClient>() is not null ? ClaudeCliAliases
                    : throw new NotSupportedException($"{source.Name} does not list its models.");
                rows = [.. ids.Select(id => new ModelRow(source.Name, id, source.Prefix + id, null))];
            }

            return new ProviderModels(source.Name, endpoint, rows, null);
        }
        catch (Exception e) when (e is LlmConnectorException or NotSupportedException or HttpRequestException && !cancellationToken.IsCancellationRequested)
        {
            return new ProviderModels(source.Name, endpoint, [], e is LlmConnectorException l ? $"{l.Kind}: {l.Message}" : e.Message);
        }
        finally
        {
            if (source.Owned)
            {
                source.Client.Dispose();
            }
        }
    }

    /// <summary>The model names the Claude CLI resolves itself (it has no list of its own); full model names work too.</summary>
    private static readonly string[] ClaudeCliAliases = ["sonnet", "opus", "haiku"];

    private static decimal? PerMillion(decimal? perToken) => perToken * 1_000_000m;

    private static string FormatPrice(decimal? perToken) => PerMillion(perToken) switch
    {
        null => "?",
        0m => "free",
        var price => price.Value.ToString("0.00##", CultureInfo.InvariantCulture),
    };

    private static JsonObject ToJson(ModelRow row) => new()
    {
        ["provider"] = row.Provider,
        ["id"] = row.Id,
        ["model"] = row.Model,
        ["name"] = row.Details?.Name,
        ["contextLength"] = row.Details?.ContextLength,
        ["promptPricePerMillion"] = PerMillion(row.Details?.Pricing.Prompt),
        ["completionPricePerMillion"] = PerMillion(row.Details?.Pricing.Completion),
        ["inputModalities"] = Array(row.Details?.InputModalities),
        ["outputModalities"] = Array(row.Details?.OutputModalities),
        ["supportedParameters"] = Array(row.Details?.SupportedParameters),
    };

    private static JsonArray? Array(IEnumerable<string>? values) => values is null ? null : new JsonArray(values.Select(m => (JsonNode?)m).ToArray());

    /// <summary>Where models are listed from.</summary>
    private sealed record Source(string Name, string Prefix, IChatClient Client, bool Owned);

    /// <summary>One provider's models, or the reason it could not list them.</summary>
    private sealed record ProviderModels(string Provider, string Source, IReadOnlyList<ModelRow> Models, string? Error);

    /// <summary>One model: its provider, its id there, the id to pass to <c>llmc chat -m</c>, and OpenRouter's details when known.</summary>
    private sealed record ModelRow(string Provider, string Id, string Model, OpenRouterModel? Details);
}
