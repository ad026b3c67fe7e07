using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace LlmConnectors;

/// <summary>
/// Expands <c>${NAME}</c> in configuration values with the environment variable <c>NAME</c> (or the configuration key <c>NAME</c>,
/// which is where a host that adds environment variables to its configuration puts them). A reference to a variable that is not
/// set is an error naming the setting and the variable, never a silent empty value.
/// </summary>
internal static partial class EnvironmentReferences
{
    /// <summary>Copies the given sections with every <c>${NAME}</c> expanded.</summary>
    /// <param name="configuration">The configuration root.</param>
    /// <param name="sectionNames">The sections to copy.</param>
    /// <returns>A configuration holding the expanded sections under their original paths.</returns>
    /// <exception cref="OptionsValidationException">A value references a variable that is not set; the message lists every such setting.</exception>
    public static IConfiguration Expand(IConfiguration configuration, IEnumerable<string> sectionNames)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var errors = new List<string>();
        foreach (var name in sectionNames)
        {
            foreach (var (key, value) in configuration.GetSection(name).AsEnumerable())
            {
                values[key] = value is null ? null : ExpandValue(configuration, key, value, errors);
            }
        }

        if (errors.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(IConfiguration), errors);
        }

        return new ConfigurationBuilder().AddInMemoryCollection(values).Build();
    }

    /// <summary>Reads a variable: the configuration key of that name, else the process environment.</summary>
    /// <param name="configuration">The configuration root.</param>
    /// <param name="name">The variable name.</param>
    /// <returns>The value, or <see langword="null"/> when unset or blank.</returns>
    public static string? Variable(IConfiguration configuration, string name) =>
        LeafOptionsChecks.FirstNonBlank(configuration[name], name);

    /// <summary>Expands one value.</summary>
    /// <param name="configuration">The configuration root.</param>
    /// <param name="path">The setting's path, for the error message.</param>
    /// <param name="value">The value.</param>
    /// <param name="errors">Where a missing variable is reported.</param>
    /// <returns>The expanded value.</returns>
    public static string ExpandValue(IConfiguration configuration, string path, string value, List<string> errors)
    {
        if (!value.Contains("${", StringComparison.Ordinal))
        {
            return value;
        }

        return Reference().Replace(value, match =>
        {
            var name = match.Groups[1].Value;
            if (Variable(configuration, name) is { } resolved)
            {
                return resolved;
            }

            errors.Add($"{path} references ${{{name}}}, but the environment variable {name} is not set: set it, or write the value into {path} instead.");
            return string.Empty;
        });
    }

    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)\}", RegexOptions.CultureInvariant)]
    private static partial Regex Reference();
}
