using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using LlmConnectors.Cli.Backends;
using LlmConnectors.Cli.Output;
using Spectre.Console;

namespace LlmConnectors.Cli.Commands;

/// <summary><c>llmc models</c>: the OpenRouter catalogue with prices, context lengths and modalities.</summary>
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

        var command = new Command("models", "List OpenRouter's models with prices, context length and input modalities. Needs no key.")
        {
            search, modality, maxPrice, sort, limit, json,
        };
        command.SetAction((parseResult, cancellationToken) => RunAsync(
            parseResult.GetValue(search),
            parseResult.GetValue(modality) ?? [],
            parseResult.GetValue(maxPrice),
            parseResult.GetValue(sort) ?? "id",
            parseResult.GetValue(limit),
            parseResult.GetValue(json),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(
        string? search, string[] modalities, decimal? maxPrice, string sort, int? limit, bool json, CancellationToken cancellationToken)
    {
        var settings = LlmcSettings.FromEnvironment();
        if (settings.Problems.Count > 0)
        {
            settings.Problems.ToList().ForEach(Terminal.WriteError);
            return ExitCodes.SetupProblem;
        }

        // GET /models is public; a client needs some key to be constructed.
        var clientSettings = settings.HasOpenRouterKey ? settings : settings with { OpenRouterApiKey = "sk-or-not-needed-for-models" };
        IReadOnlyList<OpenRouterModel> models;
        try
        {
            using var client = ClientFactory.CreateOpenRouter(clientSettings, null);
            models = await client.ListModelsAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Cancelled;
        }
        catch (LlmConnectorException e)
        {
            Terminal.WriteError($"Could not list the models at {settings.OpenRouterEndpoint}: {e.Message}");
            return ExitCodes.RequestFailed;
        }

        IEnumerable<OpenRouterModel> selected = models;
        if (!string.IsNullOrWhiteSpace(search))
        {
            selected = selected.Where(m => m.Id.Contains(search, StringComparison.OrdinalIgnoreCase)
                || (m.Name?.Contains(search, StringComparison.OrdinalIgnoreCase) ?? false));
        }

        foreach (var modality in modalities)
        {
            selected = selected.Where(m => m.InputModalities.Contains(modality, StringComparer.OrdinalIgnoreCase));
        }

        if (maxPrice is { } max)
        {
            selected = selected.Where(m => PerMillion(m.Pricing.Prompt) is { } price && price <= max);
        }

        selected = sort switch
        {
            "price" => selected.OrderBy(m => PerMillion(m.Pricing.Prompt) ?? decimal.MaxValue).ThenBy(m => m.Id, StringComparer.Ordinal),
            "context" => selected.OrderByDescending(m => m.ContextLength ?? 0).ThenBy(m => m.Id, StringComparer.Ordinal),
            _ => selected.OrderBy(m => m.Id, StringComparer.Ordinal),
        };
        if (limit is { } count)
        {
            selected = selected.Take(count);
        }

        var list = selected.ToList();
        if (json)
        {
            JsonOutput.Write(new JsonArray(list.Select(ToJson).ToArray<JsonNode?>()));
            return ExitCodes.Success;
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
                Markup.Escape(model.Id),
                model.ContextLength is { } context ? context.ToString("N0", CultureInfo.InvariantCulture) : "?",
                FormatPrice(model.Pricing.Prompt),
                FormatPrice(model.Pricing.Completion),
                Markup.Escape(string.Join(',', model.InputModalities)));
        }

        Terminal.Out.Write(table);
        Terminal.Error.MarkupLine($"[grey]{list.Count} of {models.Count} models from {Markup.Escape(settings.OpenRouterEndpoint.ToString())}[/]");
        return ExitCodes.Success;
    }

    private static decimal? PerMillion(decimal? perToken) => perToken * 1_000_000m;

    private static string FormatPrice(decimal? perToken) => PerMillion(perToken) switch
    {
        null => "?",
        0m => "free",
        var price => price.Value.ToString("0.00##", CultureInfo.InvariantCulture),
    };

    private static JsonObject ToJson(OpenRouterModel model) => new()
    {
        ["id"] = model.Id,
        ["name"] = model.Name,
        ["contextLength"] = model.ContextLength,
        ["promptPricePerMillion"] = PerMillion(model.Pricing.Prompt),
        ["completionPricePerMillion"] = PerMillion(model.Pricing.Completion),
        ["inputModalities"] = new JsonArray(model.InputModalities.Select(m => (JsonNode?)m).ToArray()),
        ["outputModalities"] = new JsonArray(model.OutputModalities.Select(m => (JsonNode?)m).ToArray()),
        ["supportedParameters"] = new JsonArray(model.SupportedParameters.Select(m => (JsonNode?)m).ToArray()),
    };
}
