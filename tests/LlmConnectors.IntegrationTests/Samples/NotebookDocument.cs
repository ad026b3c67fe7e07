using System.Text.Json.Nodes;

namespace LlmConnectors.IntegrationTests.Samples;

/// <summary>
/// A Polyglot (.NET Interactive) notebook read from its <c>.ipynb</c> JSON.
/// </summary>
/// <remarks>
/// The marker for a notebook the test suite cannot run is notebook-level metadata:
/// <code>"metadata": { "llmconnectors": { "requiresUnavailablePackages": ["Microsoft.SemanticKernel"] } }</code>
/// (the notebook also says so in its first markdown cell, for people). Every other notebook is run by
/// <see cref="NotebookTests"/>.
/// </remarks>
internal sealed class NotebookDocument
{
    private NotebookDocument(string path, IReadOnlyList<NotebookCell> cells, IReadOnlyList<string> requiresUnavailablePackages)
    {
        Path = path;
        Cells = cells;
        RequiresUnavailablePackages = requiresUnavailablePackages;
    }

    public string Path { get; }

    public string Name => System.IO.Path.GetFileNameWithoutExtension(Path);

    public IReadOnlyList<NotebookCell> Cells { get; }

    /// <summary>Gets the packages the notebook needs that cannot be restored here; empty when the suite runs it.</summary>
    public IReadOnlyList<string> RequiresUnavailablePackages { get; }

    /// <summary>Creates a notebook in memory (for the runner's own tests).</summary>
    public static NotebookDocument Create(string name, IReadOnlyList<NotebookCell> cells) =>
        new(name + ".ipynb", cells, []);

    public static NotebookDocument Load(string path)
    {
        var root = JsonNode.Parse(File.ReadAllText(path)) as JsonObject
            ?? throw new InvalidDataException($"{path} is not a notebook: its content is not a JSON object.");
        var defaultKernel = root["metadata"]?["polyglot_notebook"]?["kernelInfo"]?["defaultKernelName"]?.GetValue<string>()
            ?? (root["metadata"]?["kernelspec"]?["language"]?.GetValue<string>() is "C#" ? "csharp" : null);

        var cells = new List<NotebookCell>();
        foreach (var cell in root["cells"] as JsonArray ?? throw new InvalidDataException($"{path} has no \"cells\" array."))
        {
            var cellType = cell?["cell_type"]?.GetValue<string>() ?? "raw";
            var language = cell?["metadata"]?["polyglot_notebook"]?["kernelName"]?.GetValue<string>()
                ?? cell?["metadata"]?["dotnet_interactive"]?["language"]?.GetValue<string>()
                ?? (cellType == "code" ? defaultKernel : null);
            cells.Add(new NotebookCell(cellType, language, ReadSource(cell?["source"])));
        }

        var requires = (root["metadata"]?["llmconnectors"]?["requiresUnavailablePackages"] as JsonArray)?
            .Select(p => p?.GetValue<string>())
            .OfType<string>()
            .ToList() ?? [];
        return new NotebookDocument(path, cells, requires);
    }

    private static string ReadSource(JsonNode? source) => source switch
    {
        null => string.Empty,
        JsonArray lines => string.Concat(lines.Select(l => l?.GetValue<string>())),
        _ => source.GetValue<string>(),
    };
}
