namespace LlmConnectors;

/// <summary>A failure a <see cref="LlmFailoverChatClient"/> met on one of its clients.</summary>
/// <param name="ClientName">The name of the client that failed.</param>
/// <param name="ModelId">The model id it was asked for, if one was set.</param>
/// <param name="Exception">The failure.</param>
public sealed record FailoverFailure(string ClientName, string? ModelId, Exception Exception)
{
    /// <summary>Returns a one-line description: the client, the model, the kind of failure and its message.</summary>
    /// <returns>The description.</returns>
    public override string ToString()
    {
        var kind = Exception is LlmConnectorException e ? e.Kind.ToString() : Exception.GetType().Name;
        var model = ModelId is null ? string.Empty : $" ({ModelId})";
        return $"{ClientName}{model}: {kind}: {Exception.Message}";
    }
}
