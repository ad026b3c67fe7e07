using Microsoft.Extensions.AI;

namespace LlmConnectors;

/// <summary>One answer that failed validation.</summary>
/// <param name="AttemptNumber">The attempt, starting at 1.</param>
/// <param name="Response">The failed response.</param>
/// <param name="Errors">Why it failed, worded for the model.</param>
public sealed record ValidationAttempt(int AttemptNumber, ChatResponse Response, IReadOnlyList<string> Errors)
{
    /// <summary>Gets the tokens this attempt used, when the provider reported them.</summary>
    public UsageDetails? Usage => Response.Usage;
}
