namespace LlmConnectors.IntegrationTests.Samples;

/// <summary>One code cell as the kernel ran it: its source, the text it printed or displayed, and the errors it raised.</summary>
internal sealed record NotebookCellOutput(string Source, string Text, IReadOnlyList<string> Errors);
