using System.Collections;
using System.Text;
using CliWrap;

namespace LlmConnectors.IntegrationTests.Samples;

/// <summary>Runs a program to completion with a timeout, capturing its output, and kills its whole tree when it overruns (CliWrap).</summary>
internal static class ChildProcess
{
    /// <summary>Prefixes of variables a nested dotnet must not inherit from the dotnet test that runs us (MSBuild and test-host settings).</summary>
    private static readonly string[] TestHostVariablePrefixes = ["MSBuild", "VSTEST", "TESTINGPLATFORM"];

    public static async Task<ProcessResult> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        string workingDirectory,
        IReadOnlyDictionary<string, string?> environment,
        TimeSpan timeout,
        CancellationToken cancellationToken,
        string? standardInput = null)
    {
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var command = CliWrap.Cli.Wrap(fileName)
            .WithArguments(arguments)
            .WithWorkingDirectory(workingDirectory)
            .WithEnvironmentVariables(variables =>
            {
                foreach (var key in Environment.GetEnvironmentVariables().Keys.Cast<string>())
                {
                    if (TestHostVariablePrefixes.Any(prefix => key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)))
                    {
                        variables.Set(key, null);
                    }
                }

                variables.Set("DOTNET_CLI_TELEMETRY_OPTOUT", "1").Set("DOTNET_NOLOGO", "1").Set("DOTNET_SKIP_FIRST_TIME_EXPERIENCE", "1");
                foreach (var (key, value) in environment)
                {
                    variables.Set(key, value);
                }
            })
            .WithStandardInputPipe(standardInput is null ? PipeSource.Null : PipeSource.FromString(standardInput, Encoding.UTF8))
            .WithStandardOutputPipe(PipeTarget.ToStringBuilder(stdout, Encoding.UTF8))
            .WithStandardErrorPipe(PipeTarget.ToStringBuilder(stderr, Encoding.UTF8))
            .WithValidation(CommandResultValidation.None);

        // CliWrap's forceful cancellation kills the whole process tree.
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            var result = await command.ExecuteAsync(timeoutSource.Token);
            return new ProcessResult(result.ExitCode, stdout.ToString(), stderr.ToString(), TimedOut: false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new ProcessResult(-1, stdout.ToString(), stderr.ToString(), TimedOut: true);
        }
    }
}
