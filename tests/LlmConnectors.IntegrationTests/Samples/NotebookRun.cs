using System.Text.Json.Nodes;

namespace LlmConnectors.IntegrationTests.Samples;

/// <summary>What the .NET Interactive kernel wrote for each code cell of a notebook it ran (its <c>--output-path</c> notebook).</summary>
internal sealed class NotebookRun
{
    private NotebookRun(IReadOnlyList<NotebookCellOutput> cells, ProcessResult process)
    {
        Cells = cells;
        Process = process;
    }

    /// <summary>Gets the code cells, in order, with what each printed and the errors it raised.</summary>
    public IReadOnlyList<NotebookCellOutput> Cells { get; }

    /// <summary>Gets the kernel process's own result.</summary>
    public ProcessResult Process { get; }

    /// <summary>Gets every cell's output, for assertion messages.</summary>
    public string Describe() => string.Join(
        Environment.NewLine,
        Cells.Select((c, i) => $"--- code cell {i} ---{Environment.NewLine}{c.Source}{Environment.NewLine}>>> {c.Text}{string.Concat(c.Errors.Select(e => Environment.NewLine + "!!! " + e))}"))
        + Environment.NewLine + Process.Describe("dotnet-repl");

    public static NotebookRun Read(string outputPath, ProcessResult process)
    {
        if (!File.Exists(outputPath))
        {
            return new NotebookRun([], process);
        }

        var root = JsonNode.Parse(File.ReadAllText(outputPath)) as JsonObject
            ?? throw new InvalidDataException($"{outputPath} is not a notebook.");
        var cells = new List<NotebookCellOutput>();
        foreach (var cell in (root["cells"] as JsonArray ?? []).OfType<JsonObject>().Where(c => c["cell_type"]?.GetValue<string>() == "code"))
        {
            var text = new List<string>();
            var errors = new List<string>();
            foreach (var output in (cell["outputs"] as JsonArray ?? []).OfType<JsonObject>())
            {
                switch (output["output_type"]?.GetValue<string>())
                {
                    case "stream":
                        text.Add(Join(output["text"]));
                        break;
                    case "error":
                        errors.Add($"{output["ename"]?.GetValue<string>()}: {output["evalue"]?.GetValue<string>()}");
                        break;
                    default:
                        if (output["data"]?["text/plain"] is { } plain)
                        {
                            text.Add(Join(plain));
                        }

                        break;
                }
            }

            cells.Add(new NotebookCellOutput(Join(cell["source"]), string.Concat(text), errors));
        }

        return new NotebookRun(cells, process);
    }

    private static string Join(JsonNode? node) => node switch
    {
        null => string.Empty,
        JsonArray parts => string.Concat(parts.Select(p => p?.GetValue<string>())),
        _ => node.GetValue<string>(),
    };
}
