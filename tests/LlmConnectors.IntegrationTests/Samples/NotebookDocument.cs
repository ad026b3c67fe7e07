using System.Text.Json.Nodes;

namespace LlmConnectors.IntegrationTests.Samples;

/// <summary>
/// A Polyglot (.NET Interactive) notebook read from its <c>.ipynb</c> JSON.
/// </summary>
internal sealed class NotebookDocument
{
    private NotebookDocument(string path, IReadOnlyList<NotebookCell> cells)
    {
        Path = path;
        Cells = cells;
    }

    public string Path { get; }

    public string Name => System.IO.Path.GetFileNameWithoutExtension(Path);

    public IReadOnlyList<NotebookCell> Cells { get; }

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

        return new NotebookDocument(path, cells);
    }

    private static string ReadSource(JsonNode? source) => source switch
    {
        null => string.Empty,
        JsonArray lines => string.Concat(lines.Select(l => l?.GetValue<string>())),
        _ => source.GetValue<string>(),
    };
}
