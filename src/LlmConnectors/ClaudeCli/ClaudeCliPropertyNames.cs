namespace LlmConnectors;

/// <summary>The keys <see cref="ClaudeCliChatClient"/> sets in <c>ChatResponse.AdditionalProperties</c> (and on the last streaming update).</summary>
public static class ClaudeCliPropertyNames
{
    /// <summary>The cost of the request in US dollars as the CLI computed it (<see cref="double"/>).</summary>
    public const string TotalCostUsd = "total_cost_usd";

    /// <summary>The CLI session id (<see cref="string"/>).</summary>
    public const string SessionId = "session_id";

    /// <summary>The wall time of the request inside the CLI, in milliseconds (<see cref="long"/>).</summary>
    public const string DurationMs = "duration_ms";

    /// <summary>The time spent in API calls, in milliseconds (<see cref="long"/>).</summary>
    public const string DurationApiMs = "duration_api_ms";

    /// <summary>The number of model turns (<see cref="int"/>).</summary>
    public const string NumTurns = "num_turns";

    /// <summary>The models the CLI actually used with their cost in US dollars (<c>IReadOnlyDictionary&lt;string, double&gt;</c>, from <c>modelUsage</c>).</summary>
    public const string ModelUsage = "model_usage";

    /// <summary>The tokens written to the prompt cache (<see cref="long"/>); also in <c>UsageDetails.AdditionalCounts</c>.</summary>
    public const string CacheCreationInputTokens = "cache_creation_input_tokens";

    /// <summary>
    /// Whether the request was served by a process of the warm pool (<see cref="bool"/>), including one the pool was still
    /// starting when the request arrived (the request then waited for it rather than start one more).
    /// </summary>
    public const string WarmStart = "warm_start";

    /// <summary>
    /// The <c>ChatOptions</c> settings the CLI could not honour and the request was served without (<c>string[]</c>, for example
    /// <c>["Temperature", "StopSequences"]</c>); absent when there were none. See <see cref="ClaudeCliOptions.UnsupportedOptions"/>.
    /// </summary>
    public const string IgnoredOptions = "ignored_options";
}
