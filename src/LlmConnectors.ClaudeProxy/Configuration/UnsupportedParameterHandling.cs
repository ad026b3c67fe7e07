namespace LlmConnectors.ClaudeProxy.Configuration;

/// <summary>
/// What the proxy does with a request parameter the Claude CLI cannot honour (for example <c>temperature</c> or <c>n &gt; 1</c>): the
/// same policy as <c>ClaudeCliOptions.UnsupportedOptions</c> of the in-process client.
/// </summary>
internal enum UnsupportedParameterHandling
{
    /// <summary>Answer 400 <c>unsupported_parameter</c>, naming the parameter (opt-in, for clients that want to know at once).</summary>
    Reject = 0,

    /// <summary>
    /// Serve the request without the parameter, log a warning, and name every ignored parameter in the
    /// <c>X-ClaudeProxy-Ignored-Parameters</c> response header, so that nothing is silently misreported (the default: an ordinary
    /// OpenAI client that always sends <c>temperature</c> keeps working).
    /// </summary>
    Ignore = 1,
}
