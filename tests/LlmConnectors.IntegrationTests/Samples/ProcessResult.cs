namespace LlmConnectors.IntegrationTests.Samples;

/// <summary>What a child process did.</summary>
internal sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError, bool TimedOut)
{
    /// <summary>Gets both streams, for assertion messages.</summary>
    public string Describe(string what) =>
        $"{what} {(TimedOut ? "timed out" : $"exited with {ExitCode}")}.{Environment.NewLine}"
        + $"--- stdout ---{Environment.NewLine}{StandardOutput}{Environment.NewLine}"
        + $"--- stderr ---{Environment.NewLine}{StandardError}";
}
