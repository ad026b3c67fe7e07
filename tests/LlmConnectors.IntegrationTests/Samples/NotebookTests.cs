using System.Text.RegularExpressions;

namespace LlmConnectors.IntegrationTests.Samples;

/// <summary>
/// Runs every notebook under <c>notebooks/</c> in the real .NET Interactive kernel (<see cref="NotebookKernel"/>), twice: with
/// only OpenRouter configured (the scripted OpenRouter server) and with only the local <c>claude</c> CLI (the real, pinned CLI
/// against the scripted Anthropic backend). Every code cell must run without an error and print what it is expected to.
/// </summary>
public sealed partial class NotebookTests(SampleBackends backends, NotebookKernel kernel) : IClassFixture<SampleBackends>, IClassFixture<NotebookKernel>
{
    private const string OpenRouter = "openrouter";
    private const string ClaudeCli = "claude-cli";

    /// <summary>What each code cell must print, in order, per notebook and backend ("" for a cell that only has to succeed).</summary>
    private static readonly Dictionary<(string Notebook, string Backend), string[]> ExpectedOutput = new()
    {
        [("getting-started", OpenRouter)] =
        [
            "Package source: ",
            "",
            "Backend: openrouter, model openai/gpt-4o-mini",
            "Hello from openai/gpt-4o-mini! You said: Say hello to a .NET developer, in one sentence.\nModel: openai/gpt-4o-mini, tokens: 12 in",
            "Hello from openai/gpt-4o-mini! You said: Count from one to five, in words.",
            "Hello from openai/gpt-4o-mini! You said: What is a delegating chat client?",
            "openai/gpt-4o-mini -> openai/gpt-4o-mini: Hello from openai/gpt-4o-mini! You said: Who are you?\nmax/haiku failed (NotInstalled)",
        ],
        [("getting-started", ClaudeCli)] =
        [
            "Package source: ",
            "",
            "Backend: claude-code, model haiku",
            "You said: Say hello to a .NET developer, in one sentence.\nModel: claude-haiku",
            "You said: Count from one to five, in words.",
            "You said: What is a delegating chat client?",
            "haiku -> claude-haiku",
        ],
        [("structured-output", OpenRouter)] =
        [
            "Package source: ",
            "",
            "Backend: openrouter, model openai/gpt-4o-mini",
            "",
            "",
            "sample (serves 42)\n  - sample sample\n  - sample sample\nValid after 1 attempt(s).",
            "Gave up after 2 attempt(s)",
        ],
        [("structured-output", ClaudeCli)] =
        [
            "Package source: ",
            "",
            "Backend: claude-code, model haiku",
            "",
            "",
            "sample (serves 42)\n  - sample sample\n  - sample sample\nValid after 1 attempt(s).",
            "Gave up after 2 attempt(s)",
        ],
        [("comparing-models-openrouter", OpenRouter)] =
        [
            "Package source: ",
            "",
            "Backend: openrouter, model openai/gpt-4o-mini",
            "5 models.\nopenai/gpt-4o-mini",
            "Hello from anthropic/claude-sonnet-4.5! You said: Explain dependency injection to a new C# developer in two sentences.",
        ],
        [("comparing-models-openrouter", ClaudeCli)] =
        [
            "Package source: ",
            "",
            "Backend: claude-code, model haiku",
            "The catalogue is OpenRouter's: set OPENROUTER_API_KEY to list it.",
            "Hello from claude-sonnet",
        ],
        [("semantic-kernel-agent", OpenRouter)] =
        [
            "Package source: ",
            "",
            "Backend: openrouter, model openai/gpt-4o-mini",
            "Hello from openai/gpt-4o-mini! You said: Summarize in one sentence: Semantic Kernel runs prompts and plugins over any IChatClient.",
            "Hello from openai/gpt-4o-mini! You said: Name three .NET collections.",
            "",
            "openai/gpt-4o-mini used the tool, which returned: It is 09:30 in sample.",
            "Librarian: Hello from openai/gpt-4o-mini! You said: I liked 'The Pragmatic Programmer'. What next?\nLibrarian: Hello from openai/gpt-4o-mini! You said: Something shorter, please.",
            "",
            "sample by sample (42)",
        ],
        [("semantic-kernel-agent", ClaudeCli)] =
        [
            "Package source: ",
            "",
            "Backend: claude-code, model haiku",
            "You said: Summarize in one sentence: Semantic Kernel runs prompts and plugins over any IChatClient.",
            "You said: Name three .NET collections.",
            "",
            " used the tool, which returned: It is 09:30 in sample.",
            "You said: I liked 'The Pragmatic Programmer'. What next?\nLibrarian: ",
            "",
            "sample by sample (42)",
        ],
    };

    public static TheoryData<string, string> Runs()
    {
        var data = new TheoryData<string, string>();
        foreach (var path in NotebookPaths())
        {
            data.Add(Path.GetFileNameWithoutExtension(path), OpenRouter);
            data.Add(Path.GetFileNameWithoutExtension(path), ClaudeCli);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Runs))]
    public async Task Notebook_RunInTheDotnetInteractiveKernel_EveryCellSucceedsAndPrintsWhatItShould(string name, string backend)
    {
        Assert.True(ExpectedOutput.TryGetValue((name, backend), out var expected), $"notebooks/{name}.ipynb has no expected output for {backend} in NotebookTests.ExpectedOutput: add what each code cell must print.");
        var environment = backend == OpenRouter
            ? SampleBackends.Merge(backends.OpenRouterEnvironment, KernelPath)
            : SampleBackends.Merge(backends.ClaudeCliEnvironmentKeepingHome, KernelPath);

        var run = await kernel.RunAsync(Path.Combine(RepositoryLayout.NotebooksDirectory, name + ".ipynb"), environment, backend);

        Assert.True(run.Cells.Count == expected.Length, $"Expected {expected.Length} code cells run, got {run.Cells.Count}.\n" + run.Describe());
        for (var i = 0; i < expected.Length; i++)
        {
            var cell = run.Cells[i];
            Assert.True(cell.Errors.Count == 0, $"Code cell {i} of notebooks/{name}.ipynb ({backend}) failed.\n" + run.Describe());
            var text = cell.Text.ReplaceLineEndings("\n");
            Assert.True(text.Contains(expected[i], StringComparison.Ordinal), $"Code cell {i} of notebooks/{name}.ipynb ({backend}) should print '{expected[i]}'.\n" + run.Describe());
        }

        Assert.True(run.Process.ExitCode == 0, run.Describe());
    }

    [Fact]
    public void Notebooks_EveryPackageReference_IsPinned()
    {
        var paths = NotebookPaths().ToList();
        Assert.True(paths.Count >= 4, $"Expected the four notebooks of the README under {RepositoryLayout.NotebooksDirectory}, found {paths.Count}.");
        foreach (var path in paths)
        {
            var notebook = NotebookDocument.Load(path);
            var references = notebook.Cells.Where(c => c.IsCSharpCode).SelectMany(c => c.Source.Split('\n')).Where(l => l.StartsWith("#r \"nuget:", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(references);
            Assert.All(references, r => Assert.Matches(PinnedReference(), r));
            Assert.DoesNotContain(notebook.Cells, c => c.Source.Contains("Microsoft.SemanticKernel.Agents", StringComparison.Ordinal));
        }
    }

    /// <summary>The kernel and its restores need <c>dotnet</c>; the CLI needs <c>node</c>. Nothing else from the machine's PATH.</summary>
    private static Dictionary<string, string?> KernelPath => new()
    {
        ["PATH"] = string.Join(Path.PathSeparator, Path.GetDirectoryName(DotnetHost.Path), "/usr/local/bin", "/usr/bin", "/bin"),
    };

    private static IEnumerable<string> NotebookPaths() =>
        Directory.EnumerateFiles(RepositoryLayout.NotebooksDirectory, "*.ipynb").Order(StringComparer.Ordinal);

    [GeneratedRegex("""^#r "nuget: [A-Za-z0-9.]+, \d+\.\d+\.\d+"$""")]
    private static partial Regex PinnedReference();
}
