using Microsoft.Extensions.Configuration;

namespace LlmConnectors;

/// <summary>Reads the settings the provider binders share (strings, addresses, the retry and limit subsections), AOT-safe and by hand like the other leaves' binders.</summary>
internal static class ProviderConfigurationValues
{
    /// <summary>Reads a string setting; blank counts as absent.</summary>
    /// <param name="section">The provider's section.</param>
    /// <param name="key">The key.</param>
    /// <returns>The value, or <see langword="null"/>.</returns>
    public static string? String(IConfiguration section, string key) => section[key] is { } value && !string.IsNullOrWhiteSpace(value) ? value : null;

    /// <summary>Reads an absolute http(s) address.</summary>
    /// <typeparam name="TOptions">The options type, named in the error.</typeparam>
    /// <param name="section">The provider's section.</param>
    /// <param name="path">The section's configuration path.</param>
    /// <param name="key">The key.</param>
    /// <returns>The address, or <see langword="null"/> when absent.</returns>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The value is not an absolute URL.</exception>
    public static Uri? AbsoluteUri<TOptions>(IConfiguration section, string path, string key) => String(section, key) switch
    {
        null => null,
        var text when Uri.TryCreate(text, UriKind.Absolute, out var uri) => uri,
        var text => throw ConfigurationValues.Invalid<TOptions>(path, key, text, "an absolute http(s) URL"),
    };

    /// <summary>Binds the common leaf settings: <c>Timeout</c> and the <c>Retry</c> subsection.</summary>
    /// <typeparam name="TOptions">The options type, named in errors.</typeparam>
    /// <param name="section">The provider's section.</param>
    /// <param name="path">The section's configuration path.</param>
    /// <param name="timeout">The current timeout; returned when the setting is absent.</param>
    /// <param name="retry">The retry settings to bind onto.</param>
    /// <returns>The timeout.</returns>
    public static TimeSpan? TimeoutAndRetry<TOptions>(IConfiguration section, string path, TimeSpan? timeout, TransportRetryOptions retry)
    {
        ConfigurationValues.BindRetry<TOptions>(section.GetSection("Retry"), $"{path}:Retry", retry);
        return ConfigurationValues.Time<TOptions>(section, path, "Timeout") ?? timeout;
    }

    /// <summary>Reads the <c>Limits</c> subsection of a provider.</summary>
    /// <param name="section">The provider's section.</param>
    /// <param name="path">The section's configuration path.</param>
    /// <returns>The limits, or <see langword="null"/> when the subsection is absent.</returns>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">A value does not parse or is out of range; the message names the setting.</exception>
    public static ChatRequestLimitOptions? Limits(IConfiguration section, string path)
    {
        var limits = section.GetSection("Limits");
        if (!limits.GetChildren().Any())
        {
            return null;
        }

        var limitsPath = $"{path}:Limits";
        var options = new ChatRequestLimitOptions();
        try
        {
            // Bound by the configuration binding source generator: every ChatRequestLimitOptions property is a setting, declared once there.
            limits.Bind(options);
        }
        catch (InvalidOperationException e)
        {
            throw new Microsoft.Extensions.Options.OptionsValidationException(
                Microsoft.Extensions.Options.Options.DefaultName,
                typeof(ChatRequestLimitOptions),
                [$"{limitsPath} cannot be read: {e.Message} Write whole numbers for the counts and hh:mm:ss for QueueFullRetryAfter."]);
        }

        var errors = options.Validate(limitsPath);
        if (errors.Count > 0)
        {
            throw new Microsoft.Extensions.Options.OptionsValidationException(Microsoft.Extensions.Options.Options.DefaultName, typeof(ChatRequestLimitOptions), errors);
        }

        return options;
    }
}
