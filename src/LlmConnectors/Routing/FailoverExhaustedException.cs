namespace LlmConnectors;

/// <summary>
/// The exception <see cref="LlmFailoverChatClient"/> throws when every client it tried failed with a failure worth failing over on.
/// <see cref="Failures"/> holds each failure in the order met; <see cref="Exception.InnerException"/> is the last one.
/// </summary>
public sealed class FailoverExhaustedException : LlmConnectorException
{
    /// <summary>Initializes a new instance of the <see cref="FailoverExhaustedException"/> class.</summary>
    public FailoverExhaustedException()
        : this("Every client of the failover chain failed.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="FailoverExhaustedException"/> class.</summary>
    /// <param name="message">What failed.</param>
    public FailoverExhaustedException(string message)
        : base(message)
    {
        Failures = [];
    }

    /// <summary>Initializes a new instance of the <see cref="FailoverExhaustedException"/> class.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The last failure.</param>
    public FailoverExhaustedException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Failures = [];
    }

    /// <summary>Initializes a new instance of the <see cref="FailoverExhaustedException"/> class.</summary>
    /// <param name="failures">Each failure, in the order met; at least one.</param>
    /// <exception cref="ArgumentNullException"><paramref name="failures"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="failures"/> is empty.</exception>
    public FailoverExhaustedException(IReadOnlyList<FailoverFailure> failures)
        : base(
            BuildMessage(failures),
            KindOf(failures[^1].Exception),
            (failures[^1].Exception as LlmConnectorException)?.Provider,
            (failures[^1].Exception as LlmConnectorException)?.StatusCode,
            failures[^1].Exception)
    {
        Failures = failures;
        RetryAfter = (failures[^1].Exception as LlmConnectorException)?.RetryAfter;
    }

    /// <summary>Gets each failure, in the order met.</summary>
    public IReadOnlyList<FailoverFailure> Failures { get; }

    /// <summary>Gets a value indicating whether every failure may go away on its own.</summary>
    public override bool IsTransient => Failures.Count > 0 && Failures.All(f => f.Exception is not LlmConnectorException e || e.IsTransient);

    private static string BuildMessage(IReadOnlyList<FailoverFailure> failures)
    {
        ArgumentNullException.ThrowIfNull(failures);
        if (failures.Count == 0)
        {
            throw new ArgumentException("At least one failure is required.", nameof(failures));
        }

        return $"All {failures.Count} clients of the failover chain failed: {string.Join("; ", failures)}";
    }

    private static LlmErrorKind KindOf(Exception exception) => exception switch
    {
        LlmConnectorException e => e.Kind,
        TimeoutException or OperationCanceledException => LlmErrorKind.Timeout,
        HttpRequestException => LlmErrorKind.Network,
        _ => LlmErrorKind.Unknown,
    };
}
