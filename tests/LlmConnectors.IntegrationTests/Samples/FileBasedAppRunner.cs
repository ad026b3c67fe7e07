using System.Security.Cryptography;
using System.Text;

namespace LlmConnectors.IntegrationTests.Samples;

/// <summary>Writes a notebook as a file-based app in a temporary directory outside the repository and runs it with <c>dotnet run</c>.</summary>
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

        // A stable folder per clone and notebook: an unchanged notebook hits dotnet's file-based app cache on the next run.
        var clone = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(RepositoryLayout.Root)))[..12];
        var directory = Path.Combine(Path.GetTempPath(), "llmconnectors-notebooks", clone, notebook.Name);
        Directory.CreateDirectory(directory);
        var file = Path.Combine(directory, notebook.Name.Replace('-', '_') + ".cs");
        await OneBuildAtATime.WaitAsync(cancellationToken);
        try
        {
            await File.WriteAllTextAsync(file, source, cancellationToken);

            // The configuration of the solution build, so that the library project is already up to date.
            var result = await ChildProcess.RunAsync(
                DotnetHost.Path, ["run", "-c", RepositoryLayout.Configuration, file], directory, environment, timeout, cancellationToken);
            if (result.ExitCode != 0)
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
