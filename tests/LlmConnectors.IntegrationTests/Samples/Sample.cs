namespace LlmConnectors.IntegrationTests.Samples;

/// <summary>Runs a built sample (<c>samples/&lt;Name&gt;</c>) with <c>dotnet &lt;dll&gt;</c>: the solution build has compiled it already.</summary>
internal static class Sample
{
    public static Task<ProcessResult> RunAsync(string name, IReadOnlyDictionary<string, string?> environment, params string[] arguments)
    {
        var directory = Path.Combine(RepositoryLayout.SamplesDirectory, name);
        var dll = RepositoryLayout.BuiltAssembly(directory, name);
        return ChildProcess.RunAsync(
            DotnetHost.Path,
            [dll, .. arguments],
            Path.GetDirectoryName(dll)!,
            environment,
            TimeSpan.FromMinutes(2),
            TestContext.Current.CancellationToken);
    }
}
