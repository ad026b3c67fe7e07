namespace LlmConnectors.Cli;

/// <summary>The exit codes of <c>llmc</c>, for scripts. Documented in README.md and in <c>llmc --help</c>.</summary>
internal static class ExitCodes
{
    /// <summary>The command did what it was asked.</summary>
    public const int Success = 0;

    /// <summary>
    /// A request failed: the provider answered with an error, or could not be reached. The message says which and why. For <c>llmc models</c>:
    /// at least one provider could not list its models (the others are listed).
    /// </summary>
    public const int RequestFailed = 1;

    /// <summary>The command line is invalid (unknown option, missing value).</summary>
    public const int InvalidArguments = 2;

    /// <summary>The setup is incomplete: no backend configured, a setting is invalid, or <c>llmc doctor</c> found a problem. The output says what to set.</summary>
    public const int SetupProblem = 3;

    /// <summary>Cancelled with Ctrl+C.</summary>
    public const int Cancelled = 130;

    public const string HelpText =
        "Exit codes: 0 success; 1 request failed (provider error or unreachable; for models: a provider could not list its models, the others are listed); "
        + "2 invalid command line; 3 setup problem (nothing configured, invalid setting or configuration file, doctor found a problem); 130 cancelled.";
}
