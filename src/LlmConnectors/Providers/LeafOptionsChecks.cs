namespace LlmConnectors;

/// <summary>The checks the leaf options of the official-SDK and Google leaves share, each message naming the setting and what to write.</summary>
internal static class LeafOptionsChecks
{
    /// <summary>Checks the endpoint, the timeout, the default model and the retry settings.</summary>
    /// <param name="errors">Where to add the problems.</param>
    /// <param name="section">The configuration path of the options (<c>OpenAI</c>, <c>Gemini</c>, ...).</param>
    /// <param name="endpoint">The endpoint, or <see langword="null"/> when the leaf computes it.</param>
    /// <param name="exampleEndpoint">An example endpoint for the message.</param>
    /// <param name="timeout">The timeout.</param>
    /// <param name="modelId">The default model.</param>
    /// <param name="exampleModel">An example model id for the message.</param>
    /// <param name="retry">The retry settings.</param>
    public static void CheckCommon(List<string> errors, string section, Uri? endpoint, string exampleEndpoint, TimeSpan? timeout, string? modelId, string exampleModel, TransportRetryOptions? retry)
    {
        if (endpoint is not null && (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttps && endpoint.Scheme != Uri.UriSchemeHttp)))
        {
            errors.Add($"{section}:Endpoint is '{endpoint}'; it must be an absolute http(s) URL such as {exampleEndpoint}.");
        }

        if (timeout is { } value && value <= TimeSpan.Zero && value != System.Threading.Timeout.InfiniteTimeSpan)
        {
            errors.Add($"{section}:Timeout is {value}; it must be positive (for example 00:10:00), or unset for no limit.");
        }

        if (modelId is not null && string.IsNullOrWhiteSpace(modelId))
        {
            errors.Add($"{section}:ModelId is blank; set a model id such as {exampleModel}, or remove the setting and pass ChatOptions.ModelId per request.");
        }

        if (retry is null)
        {
            errors.Add($"{section}:Retry is null; remove the setting for the defaults, or set {section}:Retry:Enabled=false to switch retries off.");
        }
        else
        {
            errors.AddRange(retry.Validate($"{section}:Retry"));
        }
    }

    /// <summary>Returns the first non-blank value: the setting, then each environment variable in turn.</summary>
    /// <param name="value">The configured value.</param>
    /// <param name="environmentVariables">The environment variables to fall back on.</param>
    /// <returns>The value, or <see langword="null"/>.</returns>
    public static string? FirstNonBlank(string? value, params string[] environmentVariables)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            return value;
        }

        foreach (var name in environmentVariables)
        {
            if (Environment.GetEnvironmentVariable(name) is { Length: > 0 } fromEnvironment && !string.IsNullOrWhiteSpace(fromEnvironment))
            {
                return fromEnvironment;
            }
        }

        return null;
    }
}
