namespace LlmConnectors.IntegrationTests.Samples;

/// <summary>
/// Runs every notebook under <c>notebooks/</c> that does not need an unavailable package: its C# cells become one
/// file-based app (outside the repository, so the repository's warnings-as-errors settings do not apply), which is
/// compiled and run with <c>dotnet run</c> against the scripted backends.
/// </summary>
public sealed class NotebookTests(SampleBackends backends) : IClassFixture<SampleBackends>
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(4);

    /// <summary>What each notebook must print (besides exiting 0).</summary>
    private static readonly Dictionary<string, string[]> ExpectedOutput = new()
    {
        ["getting-started"] =
        [
            "Hello from openai/gpt-4o-mini! You said: Say hello to a .NET developer",
            "Model: openai/gpt-4o-mini, tokens: 12 in",
            "Hello from openai/gpt-4o-mini! You said: Count from one to five",
            "You said: What is a delegating chat client?",
            "meta-llama/llama-3.1-8b-instruct -> meta-llama/llama-3.1-8b-instruct: Hello from meta-llama/llama-3.1-8b-instruct! You said: Who are you?",
            "max/haiku -> claude-haiku",
        ],
        ["structured-output"] = ["sample (serves 42)", "  - sample sample", "Valid after 1 attempt(s)", "Gave up after 2 attempt(s)"],
        ["comparing-models-openrouter"] =
        [
            "5 models.",
            "openai/gpt-4o-mini",
            "== meta-llama/llama-3.1-8b-instruct:",
            "== anthropic/claude-sonnet-4.5:",
            "Hello from anthropic/claude-sonnet-4.5! You said: Explain dependency injection",
        ],
    };

    public static TheoryData<string> RunnableNotebooks()
    {
        var data = new TheoryData<string>();
        foreach (var path in NotebookPaths())
        {
            if (NotebookDocument.Load(path).RequiresUnavailablePackages.Count == 0)
            {
                data.Add(Path.GetFileNameWithoutExtension(path));
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RunnableNotebooks))]
    public async Task Notebook_RunAsFileBasedAppAgainstScriptedBackends_Succeeds(string name)
    {
        var notebook = NotebookDocument.Load(Path.Combine(RepositoryLayout.NotebooksDirectory, name + ".ipynb"));
        var result = await FileBasedAppRunner.RunAsync(
            notebook,
            SampleBackends.Merge(backends.OpenRouterEnvironment, backends.ClaudeCliEnvironmentKeepingHome),
            RunTimeout,
            TestContext.Current.CancellationToken);

        Assert.True(result.ExitCode == 0 && !result.TimedOut, result.Describe($"notebooks/{name}.ipynb, run as a file-based app,"));
        Assert.True(ExpectedOutput.ContainsKey(name), $"notebooks/{name}.ipynb has no expected output in NotebookTests.ExpectedOutput: add what it must print.");
        foreach (var expected in ExpectedOutput[name])
        {
            Assert.True(result.StandardOutput.Contains(expected, StringComparison.Ordinal), $"Expected '{expected}' in the output. " + result.Describe($"notebooks/{name}.ipynb"));
        }
    }

    [Fact]
    public void Notebooks_MarkedAsNeedingUnavailablePackages_AreOnlyTheSemanticKernelOne()
    {
        var marked = NotebookPaths()
            .Select(NotebookDocument.Load)
            .Where(n => n.RequiresUnavailablePackages.Count > 0)
            .ToList();

        var notebook = Assert.Single(marked);
        Assert.Equal("semantic-kernel-agent", notebook.Name);
        Assert.Contains("Microsoft.SemanticKernel", notebook.RequiresUnavailablePackages);
        var firstMarkdown = notebook.Cells.First(c => c.CellType == "markdown").Source;
        Assert.Contains("Semantic Kernel", firstMarkdown, StringComparison.Ordinal);
        Assert.Contains("not run by the test suite", firstMarkdown, StringComparison.Ordinal);
    }

    [Fact]
    public void Notebooks_EachHasCSharpCodeCells()
    {
        var paths = NotebookPaths().ToList();
        Assert.True(paths.Count >= 4, $"Expected the four notebooks of the README under {RepositoryLayout.NotebooksDirectory}, found {paths.Count}.");
        foreach (var path in paths)
        {
            Assert.Contains(NotebookDocument.Load(path).Cells, c => c.IsCSharpCode);
        }
    }

    private static IEnumerable<string> NotebookPaths() =>
        Directory.EnumerateFiles(RepositoryLayout.NotebooksDirectory, "*.ipynb").Order(StringComparer.Ordinal);
}
