namespace LlmConnectors.IntegrationTests.Samples;

/// <summary>One cell of a notebook: its type, its kernel language (for code cells) and its source.</summary>
internal sealed record NotebookCell(string CellType, string? Language, string Source)
{
    public bool IsCSharpCode => CellType == "code" && string.Equals(Language, "csharp", StringComparison.OrdinalIgnoreCase);
}
