using System.Globalization;
using System.Net;
using System.Text.Json;

namespace LlmConnectors.ClaudeCli;

/// <summary>Turns what the CLI reports into exceptions of the pack's hierarchy, with a message that says what to do.</summary>
internal static class ClaudeCliErrors
{
    public const string InstallHint = "Install it with 'npm install -g @anthropic-ai/claude-code' (or see https://docs.anthropic.com/en/docs/claude-code), or set ClaudeCli:ExecutablePath to its full path.";
    public const string LoginHint = "Log in with 'claude auth login' (a Claude subscription), or set ANTHROPIC_API_KEY in the environment of this process or in ClaudeCli:EnvironmentVariables.";

    public static ClaudeCliException NotInstalled(string executable, Exception inner) => new(
        $"The Claude Code CLI '{executable}' was not found or cannot be started ({inner.Message}). {InstallHint}",
        LlmErrorKind.NotInstalled,
        innerException: inner);

    public static ClaudeCliException QueueFull(int maxConcurrency, int maxQueueLength, TimeSpan? retryAfter) => new(
        $"All {maxConcurrency} Claude CLI slots are busy and {maxQueueLength} requests are already waiting. Retry later, or raise ClaudeCli:MaxConcurrency or ClaudeCli:MaxQueueLength.",
        LlmErrorKind.RateLimited)
    {
        ErrorCode = "queue_full",
        RetryAfter = retryAfter ?? TimeSpan.FromSeconds(1),
    };

    public static ClaudeCliException Timeout(TimeSpan timeout, ClaudeCliProcess process) => new(
        $"The Claude CLI did not finish within {timeout} (ClaudeCli:RequestTimeout); its process {process.Id} was killed.{Tail(process)}",
        LlmErrorKind.Timeout)
    {
        StandardErrorTail = process.StandardErrorTail,
    };

    public static ClaudeCliException NotJson(string line, ClaudeCliProcess process) => new(
        $"The Claude CLI printed a line that is not stream-json: '{Shorten(line)}'. Check that ClaudeCli:ExecutablePath is the Claude Code CLI (claude --version).{Tail(process)}",
        LlmErrorKind.ProtocolError)
    {
        StandardErrorTail = process.StandardErrorTail,
        ExitCode = process.ExitCode,
    };

    public static ClaudeCliException Protocol(string what, ClaudeCliProcess process) => new(
        $"The Claude CLI broke the stream-json protocol: {what}.{Tail(process)}",
        LlmErrorKind.ProtocolError)
    {
        StandardErrorTail = process.StandardErrorTail,
        ExitCode = process.ExitCode,
    };

    public static ClaudeCliException Exited(ClaudeCliProcess process, Exception? inner = null)
    {
        var code = process.ExitCode;
        var tail = process.StandardErrorTail;
        var message = code is null
            ? $"The Claude CLI process {process.Id} closed its output without a result."
            : $"The Claude CLI process {process.Id} exited with code {code} without a result.";
        if (tail.Contains("login", StringComparison.OrdinalIgnoreCase) || tail.Contains("auth", StringComparison.OrdinalIgnoreCase))
        {
            message += " " + LoginHint;
        }

        return new ClaudeCliException(message + Tail(process), LlmErrorKind.ProcessFailed, innerException: inner)
        {
            ExitCode = code,
            StandardErrorTail = tail,
        };
    }

    /// <summary>
    /// Maps the CLI's <c>api_retry</c> notice (the API failed with a retryable error; the CLI would wait and call again) to an
    /// exception that carries the API's status and the delay the CLI computed from the API's <c>retry-after</c> (or its own backoff).
    /// </summary>
    public static ClaudeCliException RetryRequested(JsonElement retry, ClaudeCliProcess process, string? model)
    {
        int? status = retry.TryGetProperty("error_status", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetInt32() : null;
        var delay = retry.TryGetProperty("retry_delay_ms", out var d) && d.ValueKind == JsonValueKind.Number ? TimeSpan.FromMilliseconds(d.GetInt64()) : (TimeSpan?)null;
        var code = retry.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
        var kind = status is { } known ? LlmConnectorException.KindFromStatus(known) : LlmErrorKind.Network;
        var what = status is null ? "failed to connect" : $"answered with status {status}{(code is null ? string.Empty : $" ({code})")}";
        var wait = delay is { } w ? string.Create(CultureInfo.InvariantCulture, $" and asks to wait {w.TotalSeconds:0.###} s before another attempt") : string.Empty;
        var hint = kind == LlmErrorKind.Authentication ? " " + LoginHint : string.Empty;
        return new ClaudeCliException(
            $"The model API {what}{wait}. The request was stopped before the CLI called again; ClaudeCli:Retry decides about retries.{hint}{Tail(process)}",
            kind,
            status is null ? null : (HttpStatusCode)status.Value)
        {
            ErrorCode = code,
            RetryAfter = delay,
            StandardErrorTail = process.StandardErrorTail,
            ModelId = model,
        };
    }

    /// <summary>The upstream stream broke and the CLI's second fetch of the answer does not continue the text already streamed.</summary>
    public static ClaudeCliException StreamBroken(int streamedChars, ClaudeCliProcess process, string? model) => new(
        $"The upstream stream broke after {streamedChars} characters had been streamed, and the answer the CLI fetched again does not continue them: the streamed answer is incomplete. Retry the request.{Tail(process)}",
        LlmErrorKind.Network)
    {
        ErrorCode = "stream_interrupted",
        StandardErrorTail = process.StandardErrorTail,
        ModelId = model,
    };

    /// <summary>Maps an error result (and the assistant error message before it) to an exception.</summary>
    public static ClaudeCliException FromResult(JsonElement result, AssistantError? assistantError, ClaudeCliProcess process, string? model)
    {
        int? status = result.TryGetProperty("api_error_status", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetInt32() : assistantError?.Status;
        var text = result.TryGetProperty("result", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
        if (string.IsNullOrEmpty(text) && result.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array)
        {
            text = string.Join("; ", errors.EnumerateArray().Select(e => e.ToString()));
        }

        text ??= assistantError?.Text;
        var subtype = result.TryGetProperty("subtype", out var st) ? st.GetString() : null;
        var code = assistantError?.Code ?? (subtype is "success" ? null : subtype);
        var kind = status is { } st2 ? LlmConnectorException.KindFromStatus(st2) : KindFromCode(code);
        var message = $"The Claude CLI reported an error{(status is null ? string.Empty : $" (API status {status})")}: {text ?? "no details"}.";
        if (code == "error_max_turns")
        {
            message += " The model wanted more turns than ClaudeCli:MaxTurns allows; raise it if the host enabled tools.";
        }

        if (kind == LlmErrorKind.Authentication)
        {
            message += " " + LoginHint;
        }

        return new ClaudeCliException(message, kind, status is null ? null : (HttpStatusCode)status.Value)
        {
            ErrorCode = code,
            ErrorType = assistantError?.Type,
            ExitCode = process.ExitCode,
            StandardErrorTail = process.StandardErrorTail,
            SessionId = result.TryGetProperty("session_id", out var id) ? id.GetString() : null,
            ModelId = model,
        };
    }

    public static LlmErrorKind KindFromCode(string? code) => code switch
    {
        "authentication_failed" => LlmErrorKind.Authentication,
        "billing_error" => LlmErrorKind.PaymentRequired,
        "rate_limit" => LlmErrorKind.RateLimited,
        "invalid_request" => LlmErrorKind.InvalidRequest,
        "server_error" => LlmErrorKind.ServerError,
        // Limits of the host's configuration or of the model's behaviour, not mistakes of the caller's request.
        "error_max_turns" or "error_max_budget_usd" or "error_max_structured_output_retries" => LlmErrorKind.ServerError,
        _ => LlmErrorKind.Unknown,
    };

    private static string Tail(ClaudeCliProcess process)
    {
        var tail = process.StandardErrorTail;
        return tail.Length == 0 ? string.Empty : " Standard error (last lines): " + tail;
    }

    private static string Shorten(string line) => line.Length <= 200 ? line : string.Create(CultureInfo.InvariantCulture, $"{line[..200]}... ({line.Length} characters)");

    /// <summary>The <c>error</c> an assistant message carried (the CLI's own code, the API status and type, the text).</summary>
    internal sealed record AssistantError(string? Code, int? Status, string? Type, string? Text);
}
