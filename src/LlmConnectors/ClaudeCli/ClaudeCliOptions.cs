namespace LlmConnectors;

/// <summary>
/// Settings of <see cref="ClaudeCliChatClient"/>: which <c>claude</c> executable to run, where, with which start-up flags, and how
/// many processes at once. Configuration section: <c>ClaudeCli</c>.
/// </summary>
public sealed class ClaudeCliOptions
{
    /// <summary>Gets or sets the Claude Code CLI to run: a path, or a name looked up on <c>PATH</c>. Default: <c>claude</c>.</summary>
    public string ExecutablePath { get; set; } = "claude";

    /// <summary>
    /// Gets or sets the default model (<c>--model</c>: an alias such as <c>sonnet</c> or a full model name), used when
    /// <c>ChatOptions.ModelId</c> is not set. Default: <see langword="null"/>, the CLI's own default.
    /// </summary>
    public string? ModelId { get; set; }

    /// <summary>
    /// Gets or sets the working directory of the CLI. Default: <see langword="null"/>, a fresh empty private directory per process,
    /// removed when the process ends (so no project <c>CLAUDE.md</c> or settings leak in). The CLI loads no project settings or memory
    /// from a directory set here either (<c>--setting-sources ""</c>), and reads no file in it for a request.
    /// </summary>
    public string? WorkingDirectory { get; set; }

    /// <summary>
    /// Gets or sets the operator's CLI configuration directory, where <c>claude auth login</c> keeps the subscription credentials.
    /// Default: <see langword="null"/>, <c>CLAUDE_CONFIG_DIR</c> (from <see cref="EnvironmentVariables"/> or this process's
    /// environment), else <c>~/.claude</c>. It is read for the login only: every process runs with its own private, temporary
    /// <c>CLAUDE_CONFIG_DIR</c> that links this directory's <c>.credentials.json</c> (so a login refreshed by the operator's own
    /// <c>claude</c> is seen at once) and holds nothing else. The operator's settings, memory, projects and MCP servers are not
    /// visible to the CLI, and nothing the CLI writes reaches this directory.
    /// </summary>
    public string? ConfigDirectory { get; set; }

    /// <summary>
    /// Gets the environment variables set for the CLI on top of this process's own; a <see langword="null"/> value removes a variable.
    /// The client sets <c>CLAUDE_CODE_MAX_RETRIES=1</c> (so that a failing API call is announced with the API's delay; the request
    /// then stops and the pack decides about retries) and <c>CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1</c> unless overridden here;
    /// setting <c>CLAUDE_CODE_MAX_RETRIES</c> here lets the CLI retry by itself. <c>CLAUDE_CONFIG_DIR</c> here names the operator's
    /// directory, like <see cref="ConfigDirectory"/>; the process always gets its private one.
    /// </summary>
    public IDictionary<string, string?> EnvironmentVariables { get; } = new Dictionary<string, string?>(StringComparer.Ordinal);

    /// <summary>Gets or sets how long one request may take, queue wait excluded, before its process is killed. Default: 10 minutes.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Gets or sets how many requests may run CLI processes at once (each costs about 200 MB). Default: 4.</summary>
    public int MaxConcurrency { get; set; } = 4;

    /// <summary>
    /// Gets or sets how many requests may wait for a free slot when <see cref="MaxConcurrency"/> are running. A request beyond that
    /// fails at once with a <see cref="ClaudeCliException"/> of kind <see cref="LlmErrorKind.RateLimited"/> and error code
    /// <c>queue_full</c> (the proxy answers 429). Default: 100.
    /// </summary>
    public int MaxQueueLength { get; set; } = 100;

    /// <summary>
    /// Gets or sets how many CLI processes are kept started and waiting on standard input, so that a request skips the CLI's start-up
    /// (about 1 s). Each process serves one request; the pool refills in the background. Default: 0 (no pool).
    /// </summary>
    public int WarmPoolSize { get; set; }

    /// <summary>
    /// Gets the built-in Claude Code tools the CLI may use (<c>--tools</c>, for example <c>Read</c>, <c>Bash(git *)</c>). Default: empty,
    /// <c>--tools ""</c>: no tools at all. A request can never enable tools.
    /// </summary>
    public IList<string> AllowedTools { get; } = [];

    /// <summary>Gets or sets the CLI's <c>--permission-mode</c> (for example <c>dontAsk</c>). Default: <see langword="null"/>, not passed.</summary>
    public string? PermissionMode { get; set; }

    /// <summary>Gets or sets the <c>--max-turns</c> bound of one request. Default: 1 (one answer; tools need more).</summary>
    public int MaxTurns { get; set; } = 1;

    /// <summary>
    /// Gets the transport-retry settings: an API error the CLI reports with a retryable status (429, 529 overloaded, 502, 503, 504),
    /// or a timeout, is retried in a new process, before the first streamed update only. Settings under <c>ClaudeCli:Retry</c>.
    /// </summary>
    public TransportRetryOptions Retry { get; } = new();

    /// <summary>
    /// Gets or sets what happens to <c>ChatOptions</c> settings the CLI cannot honour (<c>Temperature</c>, <c>TopP</c>, <c>TopK</c>,
    /// <c>StopSequences</c>, <c>Seed</c>, penalties, a JSON response format without a schema). Default:
    /// <see cref="ClaudeCliUnsupportedOptionHandling.Ignore"/>, which serves the request, logs a warning and lists them under
    /// <see cref="ClaudeCliPropertyNames.IgnoredOptions"/>. <c>MaxOutputTokens</c> is honoured.
    /// </summary>
    public ClaudeCliUnsupportedOptionHandling UnsupportedOptions { get; set; }

    /// <summary>
    /// Gets or sets how many processes may wait, parked, for the results of the function calls they returned (each costs about 200 MB
    /// and no concurrency slot); the oldest is killed to make room, and its conversation is then replayed in a new process when its
    /// results come. 0 parks none (every tool round trip replays). Default: 16.
    /// </summary>
    public int MaxParkedProcesses { get; set; } = 16;

    /// <summary>Gets or sets how long a parked process waits for its function results before it is killed. Default: 5 minutes.</summary>
    public TimeSpan ParkedProcessIdleTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets extra CLI arguments appended to the start-up flags, for hosts that need them (for example <c>--effort</c>, <c>low</c>).</summary>
    public IList<string> AdditionalArguments { get; } = [];

    /// <summary>Checks the settings and returns one message per setting that is out of range.</summary>
    /// <param name="settingPrefix">The configuration path of these options, used in the messages.</param>
    /// <returns>The problems found; empty when the settings are valid.</returns>
    public IReadOnlyList<string> Validate(string settingPrefix = "ClaudeCli")
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(ExecutablePath))
        {
            errors.Add($"{settingPrefix}:ExecutablePath is empty; set it to the claude executable (a path, or 'claude' to look it up on PATH).");
        }

        if (MaxConcurrency is < 1 or > 1000)
        {
            errors.Add($"{settingPrefix}:MaxConcurrency is {MaxConcurrency}; it must be between 1 and 1000 (each CLI process costs about 200 MB).");
        }

        if (MaxQueueLength is < 0 or > 1_000_000)
        {
            errors.Add($"{settingPrefix}:MaxQueueLength is {MaxQueueLength}; it must be between 0 (fail at once when all slots are busy) and 1000000.");
        }

        if (WarmPoolSize < 0 || WarmPoolSize > MaxConcurrency)
        {
            errors.Add($"{settingPrefix}:WarmPoolSize is {WarmPoolSize}; it must be between 0 and {settingPrefix}:MaxConcurrency ({MaxConcurrency}).");
        }

        if (RequestTimeout <= TimeSpan.Zero || RequestTimeout > TimeSpan.FromDays(1))
        {
            errors.Add($"{settingPrefix}:RequestTimeout is {RequestTimeout}; it must be positive and at most 1.00:00:00.");
        }

        if (MaxTurns is < 1 or > 1000)
        {
            errors.Add($"{settingPrefix}:MaxTurns is {MaxTurns}; it must be between 1 and 1000.");
        }

        if (WorkingDirectory is { Length: > 0 } dir && !Directory.Exists(dir))
        {
            errors.Add($"{settingPrefix}:WorkingDirectory '{dir}' does not exist; create it or leave the setting empty for a fresh temporary directory per process.");
        }

        if (MaxParkedProcesses is < 0 or > 1000)
        {
            errors.Add($"{settingPrefix}:MaxParkedProcesses is {MaxParkedProcesses}; it must be between 0 (never park) and 1000.");
        }

        if (ParkedProcessIdleTimeout <= TimeSpan.Zero || ParkedProcessIdleTimeout > TimeSpan.FromDays(1))
        {
            errors.Add($"{settingPrefix}:ParkedProcessIdleTimeout is {ParkedProcessIdleTimeout}; it must be positive and at most 1.00:00:00.");
        }

        errors.AddRange(Retry.Validate($"{settingPrefix}:Retry"));
        return errors;
    }
}
