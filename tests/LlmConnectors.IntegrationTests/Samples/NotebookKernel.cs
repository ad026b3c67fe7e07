namespace LlmConnectors.IntegrationTests.Samples;

/// <summary>
/// Runs notebooks headless in the real .NET Interactive kernel: <c>dotnet-repl</c> 0.3.259, pinned in the repository's tool
/// manifest (<c>.config/dotnet-tools.json</c>), with <c>--run &lt;notebook&gt; --exit-after-run --output-path &lt;copy&gt;</c>. The
/// notebook consumes LlmConnectors as a user does: the package packed into <c>artifacts/packages</c>, restored by the kernel's
/// <c>#r "nuget: ..."</c>.
/// </summary>
/// <remarks>
/// The kernel restores into a private NuGet packages folder (<c>artifacts/notebooks/nuget-packages</c>) from which the
/// LlmConnectors entry is removed before the first run, so that a freshly packed 0.1.0 is never shadowed by an older copy of
/// the same version; the user's own NuGet cache is not touched. One run at a time: the kernel and the restores it starts take
/// a whole core each.
/// </remarks>
public sealed class NotebookKernel : IAsyncLifetime
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(8);
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    private static string ArtifactsDirectory => Path.Combine(RepositoryLayout.Root, "artifacts");

    private static string PackagesFolder => Path.Combine(ArtifactsDirectory, "notebooks", "nuget-packages");

    public async ValueTask InitializeAsync()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var restore = await ChildProcess.RunAsync(DotnetHost.Path, ["tool", "restore"], RepositoryLayout.Root, new Dictionary<string, string?>(), TimeSpan.FromMinutes(5), cancellationToken);
        Assert.True(
            restore.ExitCode == 0,
            restore.Describe("'dotnet tool restore' (it installs dotnet-repl 0.3.259 from .config/dotnet-tools.json; it needs nuget.org)"));

        // As a user does (README, Notebooks): pack the library into the folder the notebooks' first cell adds as a source.
        // No build: the test project references the library, so it is built in this configuration already.
        var pack = await ChildProcess.RunAsync(
            DotnetHost.Path,
            ["pack", RepositoryLayout.LibraryProject, "-c", RepositoryLayout.Configuration, "--no-build", "-o", Path.Combine(ArtifactsDirectory, "packages")],
            RepositoryLayout.Root,
            new Dictionary<string, string?>(),
            TimeSpan.FromMinutes(5),
            cancellationToken);
        Assert.True(pack.ExitCode == 0, pack.Describe("dotnet pack src/LlmConnectors"));

        var stale = Path.Combine(PackagesFolder, "llmconnectors");
        if (Directory.Exists(stale))
        {
            Directory.Delete(stale, recursive: true);
        }
    }

    public ValueTask DisposeAsync()
    {
        _oneAtATime.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Runs every cell of a notebook in the kernel, with the notebook's folder as the working directory (as VS Code does).</summary>
    internal async Task<NotebookRun> RunAsync(string notebookPath, IReadOnlyDictionary<string, string?> environment, string label)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var outputDirectory = Directory.CreateDirectory(Path.Combine(ArtifactsDirectory, "notebooks", "runs")).FullName;
        var outputPath = Path.Combine(outputDirectory, $"{Path.GetFileNameWithoutExtension(notebookPath)}.{label}.ipynb");
        File.Delete(outputPath);
        var kernelEnvironment = new Dictionary<string, string?>(environment)
        {
            // dotnet-repl 0.3.259 targets an older runtime than the .NET 10 SDK this repository needs.
            ["DOTNET_ROLL_FORWARD"] = "Major",
            ["NUGET_PACKAGES"] = PackagesFolder,
        };

        await _oneAtATime.WaitAsync(cancellationToken);
        try
        {
            var process = await ChildProcess.RunAsync(
                DotnetHost.Path,
                ["tool", "run", "dotnet-repl", "--run", notebookPath, "--exit-after-run", "--output-path", outputPath],
                Path.GetDirectoryName(notebookPath)!,
                kernelEnvironment,
                RunTimeout,
                cancellationToken);
            return NotebookRun.Read(outputPath, process);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }
}
