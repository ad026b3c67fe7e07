namespace LlmConnectors.Cli.Doctor;

/// <summary>The outcome of one <c>llmc doctor</c> check.</summary>
internal enum CheckStatus
{
    /// <summary>Works.</summary>
    Ok,

    /// <summary>Not configured, and optional: nothing to fix unless you want this backend.</summary>
    Skipped,

    /// <summary>Works partly, or could not be verified.</summary>
    Warning,

    /// <summary>Broken or missing: the fix says what to do.</summary>
    Error,
}
