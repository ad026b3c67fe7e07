using System.Net;

namespace LlmConnectors;

/// <summary>
/// The exception <c>ClaudeCliChatClient</c> throws when the Claude Code CLI or the API behind it fails.
/// </summary>
public sealed class ClaudeCliException : LlmConnectorException
{
    /// <summary>Initializes a new instance of the <see cref="ClaudeCliException"/> class.</summary>
    public ClaudeCliException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ClaudeCliException"/> class.</summary>
    /// <param name="message">What failed and what to do about it.</param>
    public ClaudeCliException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ClaudeCliException"/> class.</summary>
    /// <param name="message">What failed and what to do about it.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public ClaudeCliException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ClaudeCliException"/> class.</summary>
    /// <param name="message">What failed and what to do about it.</param>
    /// <param name="kind">The classification of the failure.</param>
    /// <param name="statusCode">The API status the CLI reported, if any.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public ClaudeCliException(string message, LlmErrorKind kind, HttpStatusCode? statusCode = null, Exception? innerException = null)
        : base(message, kind, "claude-code", statusCode, innerException)
    {
    }

    /// <summary>Gets the exit code of the CLI process, when it exited.</summary>
    public int? ExitCode { get; init; }

    /// <summary>Gets the last lines the CLI wrote to standard error (secrets removed).</summary>
    public string? StandardErrorTail { get; init; }

    /// <summary>Gets the CLI session id of the failed request, when the CLI reported one.</summary>
    public string? SessionId { get; init; }
}
