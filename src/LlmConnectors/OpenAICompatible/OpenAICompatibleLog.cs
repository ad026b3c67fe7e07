using Microsoft.Extensions.Logging;

namespace LlmConnectors.OpenAICompatible;

/// <summary>Log messages of <see cref="OpenAICompatibleChatClient"/>: never a key, message contents only at Trace.</summary>
internal static partial class OpenAICompatibleLog
{
    [LoggerMessage(1, LogLevel.Debug, "{Provider}: sending {Method} {Path} for model {ModelId} (stream: {Stream}).")]
    public static partial void Sending(ILogger logger, string provider, string method, string path, string? modelId, bool stream);

    [LoggerMessage(2, LogLevel.Trace, "{Provider}: request body {Body}")]
    public static partial void RequestBody(ILogger logger, string provider, string body);

    [LoggerMessage(3, LogLevel.Warning, "{Provider}: attempt {Attempt} failed ({Reason}); retrying in {Delay}.")]
    public static partial void Retrying(ILogger logger, string provider, int attempt, string reason, TimeSpan delay);

    [LoggerMessage(4, LogLevel.Debug, "{Provider}: request failed with {Kind} (HTTP {Status}).")]
    public static partial void Failed(ILogger logger, string provider, LlmErrorKind kind, int? status);
}
