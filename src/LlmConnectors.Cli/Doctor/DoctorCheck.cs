namespace LlmConnectors.Cli.Doctor;

/// <summary>One line of the <c>llmc doctor</c> report.</summary>
/// <param name="Name">What was checked.</param>
/// <param name="Status">The outcome.</param>
/// <param name="Detail">What was found (never a key: only "set" or "not set").</param>
/// <param name="Fix">What to do, when something is to be done.</param>
internal sealed record DoctorCheck(string Name, CheckStatus Status, string Detail, string? Fix = null);
