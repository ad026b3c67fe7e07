namespace LlmConnectors.IntegrationTests.Samples;

/// <summary>Writes a notebook as a file-based app in a fresh temporary directory and runs it with <c>dotnet run</c>.</summary>
internal static class FileBasedAppRunner
{
    // Concurrent `dotnet run file.cs` builds of the same #:project would fight over its obj/ directory.
    private static readonly SemaphoreSlim OneBuildAtATime = new(1, 1);

    public static async Task<ProcessResult> RunAsync(
        NotebookDocument notebook,
        IReadOnlyDictionary<string, string?> environment,
        TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        var source = FileBasedAppWriter.Convert(notebook, RepositoryLayout.LibraryProject);
        var directory = Path.Combine(Path.GetTempPath(), "llmconnectors-notebooks", notebook.Name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        var file = Path.Combine(directory, notebook.Name.Replace('-', '_') + ".cs");
        await File.WriteAllTextAsync(file, source, cancellationToken);

        await OneBuildAtATime.WaitAsync(cancellationToken);
        try
        {
            var result = await ChildProcess.RunAsync(DotnetHost.Path, ["run", file], directory, environment, timeout, cancellationToken);
            if (result.ExitCode == 0)
            {
                Directory.Delete(directory, recursive: true);
            }
            else
            {
                result = result with { StandardError = result.StandardError + $"{Environment.NewLine}(the generated program is kept at {file})" };
            }

            return result;
        }
        finally
        {
            OneBuildAtATime.Release();
        }
    }
}
