namespace LlmConnectors.ClaudeProxy.Health;

/// <summary>Checks, without spending tokens, whether the chat client behind the proxy can serve requests.</summary>
internal interface IReadinessCheck
{
    /// <summary>Runs the check.</summary>
    /// <param name="cancellationToken">The request's token.</param>
    /// <returns>The report.</returns>
    Task<ReadinessReport> CheckAsync(CancellationToken cancellationToken);
}
