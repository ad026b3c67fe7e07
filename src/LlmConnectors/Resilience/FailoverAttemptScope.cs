namespace LlmConnectors;

/// <summary>
/// The ambient bound <see cref="LlmFailoverChatClient"/> puts on one attempt: while a scope is open on the current async flow, every
/// transport-retry layer of the pack's leaves makes a single try and waits for nothing, so a transient failure reaches the failover at
/// once and the next provider is called.
/// </summary>
/// <remarks>
/// <para>
/// Why an ambient scope: the leaves retry in three different places, none of which the failover can reach through
/// <see cref="Microsoft.Extensions.AI.ChatOptions"/> or <c>GetService</c> without knowing every leaf's type: the pack's Polly pipeline
/// (<see cref="TransportRetryPipeline"/>: OpenRouter, Gemini, Vertex AI, the Claude proxy client and the Claude CLI client), the OpenAI
/// SDK's pipeline retry policy (<c>TransportRetryClientPolicy</c>) and the Anthropic SDK's <c>MaxRetries</c> (the leaf switches to a
/// twin SDK client built with <c>MaxRetries = 0</c>). All three run on the caller's async flow, so an <see cref="AsyncLocal{T}"/> set by
/// the failover around one attempt reaches all of them, and whatever sits between (the caller's middlewares, MEAI's) needs no change.
/// A hang has no failure to react to: <see cref="LlmFailoverChatClient.AttemptTimeout"/>, when set, cuts it.
/// </para>
/// <para>
/// The scope is opened for every client but the last of the failover's list: the last one has no one to hand over to and keeps its full
/// retry policy, as does a client used alone. <c>RetryWithValidationChatClient</c> re-asks only after an answer that failed validation
/// (never after a transport failure), so it has nothing to bound here.
/// </para>
/// </remarks>
internal static class FailoverAttemptScope
{
    private static readonly AsyncLocal<bool> Active = new();

    /// <summary>Gets a value indicating whether the current call is an attempt that a failover will hand over from: no transport retries.</summary>
    public static bool SuppressesRetries => Active.Value;

    /// <summary>Opens a scope on the current async flow, until the returned value is disposed.</summary>
    /// <returns>The scope; disposing it restores the previous state.</returns>
    public static Scope Enter()
    {
        var previous = Active.Value;
        Active.Value = true;
        return new Scope(previous);
    }

    /// <summary>An open scope.</summary>
    /// <param name="previous">The state to restore.</param>
    public readonly struct Scope(bool previous) : IDisposable
    {
        /// <inheritdoc/>
        public void Dispose() => Active.Value = previous;
    }
}
