using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace LlmConnectors;

/// <summary>
/// Reads typed settings for the hand-written, AOT-safe configuration binders of the leaf clients. A value that does not parse
/// fails with an <see cref="OptionsValidationException"/> naming the full setting path, the value and what to write instead;
/// an absent or empty value leaves the default.
/// </summary>
internal static class ConfigurationValues
{
    public static bool? Bool<TOptions>(IConfiguration section, string path, string key) => section[key] switch
    {
        null or "" => null,
        var text when bool.TryParse(text, out var value) => value,
        var text => throw Invalid<TOptions>(path, key, text, "true or false"),
    };

    public static int? Int<TOptions>(IConfiguration section, string path, string key) => section[key] switch
    {
        null or "" => null,
        var text when int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) => value,
        var text => throw Invalid<TOptions>(path, key, text, "a whole number"),
    };

    public static decimal? Decimal<TOptions>(IConfiguration section, string path, string key) => section[key] switch
    {
        null or "" => null,
        var text when decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) => value,
        var text => throw Invalid<TOptions>(path, key, text, "a number such as 1.5"),
    };

    public static TimeSpan? Time<TOptions>(IConfiguration section, string path, string key) => section[key] switch
    {
        null or "" => null,
        var text when TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value) => value,
        var text => throw Invalid<TOptions>(path, key, text, "a time span such as 00:10:00"),
    };

    /// <summary>Binds the <c>Retry</c> subsection of a leaf client's settings onto <paramref name="target"/>.</summary>
    public static void BindRetry<TOptions>(IConfiguration retry, string retryPath, TransportRetryOptions target)
    {
        target.Enabled = Bool<TOptions>(retry, retryPath, nameof(TransportRetryOptions.Enabled)) ?? target.Enabled;
        target.MaxRetryAttempts = Int<TOptions>(retry, retryPath, nameof(TransportRetryOptions.MaxRetryAttempts)) ?? target.MaxRetryAttempts;
        target.BaseDelay = Time<TOptions>(retry, retryPath, nameof(TransportRetryOptions.BaseDelay)) ?? target.BaseDelay;
        target.MaxDelay = Time<TOptions>(retry, retryPath, nameof(TransportRetryOptions.MaxDelay)) ?? target.MaxDelay;
        target.UseJitter = Bool<TOptions>(retry, retryPath, nameof(TransportRetryOptions.UseJitter)) ?? target.UseJitter;
        target.HonorRetryAfter = Bool<TOptions>(retry, retryPath, nameof(TransportRetryOptions.HonorRetryAfter)) ?? target.HonorRetryAfter;
    }

    public static OptionsValidationException Invalid<TOptions>(string path, string key, string value, string expected) =>
        new(Options.DefaultName, typeof(TOptions), [$"{path}:{key} is '{value}'; it must be {expected}."]);
}
