using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace LlmConnectors.ClaudeCli;

/// <summary>
/// The one policy for <see cref="ChatOptions"/> settings the Claude CLI cannot honour: found here, then ignored and reported, or
/// rejected, as <see cref="ClaudeCliOptions.UnsupportedOptions"/> says. <see cref="ChatOptions.MaxOutputTokens"/> is not among
/// them: it reaches the CLI as <c>CLAUDE_CODE_MAX_OUTPUT_TOKENS</c> in the request's flag settings.
/// </summary>
internal static partial class ClaudeCliUnsupportedOptions
{
    /// <summary>Lists the settings of <paramref name="options"/> the CLI cannot honour, by their <see cref="ChatOptions"/> names.</summary>
    /// <param name="options">The caller's options, if any (not modified).</param>
    /// <returns>The names, in a fixed order; empty when there are none.</returns>
    public static IReadOnlyList<string> Find(ChatOptions? options)
    {
        if (options is null)
        {
            return [];
        }

        var found = new List<string>();
        Add(found, options.Temperature is not null, nameof(ChatOptions.Temperature));
        Add(found, options.TopP is not null, nameof(ChatOptions.TopP));
        Add(found, options.TopK is not null, nameof(ChatOptions.TopK));
        Add(found, options.StopSequences is { Count: > 0 }, nameof(ChatOptions.StopSequences));
        Add(found, options.Seed is not null, nameof(ChatOptions.Seed));
        Add(found, options.FrequencyPenalty is { } fp && fp != 0, nameof(ChatOptions.FrequencyPenalty));
        Add(found, options.PresencePenalty is { } pp && pp != 0, nameof(ChatOptions.PresencePenalty));
        Add(found, options.ResponseFormat is ChatResponseFormatJson { Schema: null }, nameof(ChatOptions.ResponseFormat));
        Add(found, options.Tools?.Any(t => t is not AIFunctionDeclaration) == true, nameof(ChatOptions.Tools));
        Add(found, options.AllowMultipleToolCalls == false && options.Tools is { Count: > 0 }, nameof(ChatOptions.AllowMultipleToolCalls));
        return found;
    }

    /// <summary>Applies the policy to a request: throws under <see cref="ClaudeCliUnsupportedOptionHandling.Reject"/>, logs otherwise.</summary>
    /// <param name="ignored">What <see cref="Find"/> returned for the request.</param>
    /// <param name="settings">The client settings.</param>
    /// <param name="logger">The client's logger.</param>
    /// <param name="optionsParameter">The name of the caller's parameter that carried the options, for the exception.</param>
    /// <exception cref="ArgumentException">The policy is <see cref="ClaudeCliUnsupportedOptionHandling.Reject"/> and a setting is unsupported.</exception>
    public static void Enforce(IReadOnlyList<string> ignored, ClaudeCliOptions settings, ILogger logger, string optionsParameter)
    {
        if (ignored.Count == 0)
        {
            return;
        }

        if (settings.UnsupportedOptions == ClaudeCliUnsupportedOptionHandling.Reject)
        {
            throw new ArgumentException(
                $"ChatOptions.{ignored[0]} is set, but the Claude CLI cannot honour it; leave it unset, or set ClaudeCli:UnsupportedOptions to Ignore to serve such requests without it (the ignored options are then listed in ChatResponse.AdditionalProperties[\"{ClaudeCliPropertyNames.IgnoredOptions}\"]).",
                optionsParameter);
        }

        Ignored(logger, string.Join(", ", ignored));
    }

    private static void Add(List<string> found, bool condition, string name)
    {
        if (condition)
        {
            found.Add(name);
        }
    }

    [LoggerMessage(20, LogLevel.Warning, "Claude CLI request served without the options it cannot honour: {Options} (ClaudeCli:UnsupportedOptions=Reject fails such requests instead).")]
    private static partial void Ignored(ILogger logger, string options);
}
