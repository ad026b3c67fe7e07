using LlmConnectors.IntegrationTests.Samples;

namespace LlmConnectors.IntegrationTests.Cli;

/// <summary>Runs the built <c>llmc</c> as a child process.</summary>
internal static class Llmc
{
    public static Task<ProcessResult> RunAsync(IReadOnlyDictionary<string, string?> environment, params string[] arguments) =>
        RunWithInputAsync(environment, null, arguments);

    public static Task<ProcessResult> RunWithInputAsync(IReadOnlyDictionary<string, string?> environment, string? standardInput, params string[] arguments)
    {
        var dll = RepositoryLayout.BuiltAssembly(Path.Combine(RepositoryLayout.Root, "src", "LlmConnectors.Cli"), "llmc");
        return ChildProcess.RunAsync(
            DotnetHost.Path,
            [dll, .. arguments],
            Path.GetTempPath(),
            environment,
            TimeSpan.FromMinutes(2),
            TestContext.Current.CancellationToken,
            standardInput);
    }
}
