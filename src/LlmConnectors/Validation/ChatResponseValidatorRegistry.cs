using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using LlmConnectors.Validation;
using Microsoft.Extensions.Configuration;

namespace LlmConnectors;

/// <summary>
/// Names validators so that a pipeline built from configuration can list them, for example
/// <c>"Validators": [ "not-empty", "json", { "Name": "regex", "Pattern": "^OK" } ]</c>.
/// </summary>
/// <remarks>
/// <para>
/// An entry of the list is either a string (the name, for validators without settings) or an object with a <c>Name</c> and
/// the validator's settings. Names and setting keys are case-insensitive. Built-in names:
/// </para>
/// <list type="table">
/// <item><term><c>not-empty</c></term><description><see cref="NotEmptyResponseValidator"/>; no settings.</description></item>
/// <item><term><c>json</c></term><description><see cref="ValidJsonResponseValidator"/>; <c>RequireBareJson</c> (bool, default false).</description></item>
/// <item><term><c>json-schema</c></term><description><see cref="JsonSchemaResponseValidator"/>; <c>Schema</c> (required: the schema as a JSON string), <c>RequireBareJson</c>.</description></item>
/// <item><term><c>regex</c></term><description><see cref="RegexResponseValidator"/>; <c>Pattern</c> (required), <c>IgnoreCase</c> (bool), <c>Multiline</c> (bool), <c>Message</c> (the error sent to the model).</description></item>
/// <item><term><c>max-length</c></term><description><see cref="MaxLengthResponseValidator"/>; <c>Max</c> (required, a non-negative integer).</description></item>
/// </list>
/// <para>The predicate and deserializes-to validators need code (a delegate, a type): register them with <see cref="Register(string, Func{IConfigurationSection, IServiceProvider, IChatResponseValidator})"/>.</para>
/// </remarks>
public sealed class ChatResponseValidatorRegistry
{
    private readonly Dictionary<string, Func<IConfigurationSection, IServiceProvider, IChatResponseValidator>> _factories = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Initializes a new instance of the <see cref="ChatResponseValidatorRegistry"/> class with the built-in validators.</summary>
    public ChatResponseValidatorRegistry()
    {
        Register("not-empty", static _ => ChatResponseValidators.NotEmpty());
        Register("json", static section => new ValidJsonResponseValidator { RequireBareJson = GetBool(section, "RequireBareJson", "json") });
        Register("json-schema", static section => CreateJsonSchemaValidator(section));
        Register("regex", static section => CreateRegexValidator(section));
        Register("max-length", static section => new MaxLengthResponseValidator(GetRequiredInt(section, "Max", "max-length")));
    }

    /// <summary>Gets the registered names.</summary>
    public IReadOnlyCollection<string> Names => _factories.Keys;

    /// <summary>Registers (or replaces) a validator factory.</summary>
    /// <param name="name">The name used in configuration.</param>
    /// <param name="factory">Creates the validator from its configuration entry (its settings) and the services.</param>
    /// <returns>This registry.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null, empty or white space.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="factory"/> is <see langword="null"/>.</exception>
    public ChatResponseValidatorRegistry Register(string name, Func<IConfigurationSection, IServiceProvider, IChatResponseValidator> factory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(factory);
        _factories[name] = factory;
        return this;
    }

    /// <summary>Registers (or replaces) a validator factory that needs no services.</summary>
    /// <param name="name">The name used in configuration.</param>
    /// <param name="factory">Creates the validator from its configuration entry (its settings).</param>
    /// <returns>This registry.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null, empty or white space.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="factory"/> is <see langword="null"/>.</exception>
    public ChatResponseValidatorRegistry Register(string name, Func<IConfigurationSection, IChatResponseValidator> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        return Register(name, (section, _) => factory(section));
    }

    /// <summary>Tells whether a name is registered.</summary>
    /// <param name="name">The name.</param>
    /// <returns><see langword="true"/> when a factory is registered under <paramref name="name"/>.</returns>
    public bool Contains(string name) => name is not null && _factories.ContainsKey(name);

    /// <summary>Creates one validator.</summary>
    /// <param name="name">The registered name.</param>
    /// <param name="settings">The validator's configuration entry (its settings).</param>
    /// <param name="services">The services a factory may need; an empty provider when <see langword="null"/>.</param>
    /// <returns>The validator.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> or <paramref name="settings"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">No validator is registered under <paramref name="name"/>, or its settings are invalid.</exception>
    public IChatResponseValidator Create(string name, IConfigurationSection settings, IServiceProvider? services = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(settings);
        if (!_factories.TryGetValue(name, out var factory))
        {
            throw new InvalidOperationException(
                $"No response validator is registered under the name \"{name}\" (configuration path '{settings.Path}'). " +
                $"Known names: {string.Join(", ", _factories.Keys.Order(StringComparer.Ordinal))}. Fix the name, or register it with ChatResponseValidatorRegistry.Register.");
        }

        return factory(settings, services ?? EmptyServiceProvider.Instance)
            ?? throw new InvalidOperationException($"The factory registered for the response validator \"{name}\" returned null; it must return an IChatResponseValidator.");
    }

    /// <summary>Creates the validators listed in a configuration section, in order.</summary>
    /// <param name="validators">The list: each entry a name, or an object with a <c>Name</c> and settings.</param>
    /// <param name="services">The services a factory may need; an empty provider when <see langword="null"/>.</param>
    /// <returns>The validators; empty when the section does not exist.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="validators"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">An entry has no name, names an unknown validator, or has invalid settings.</exception>
    public IReadOnlyList<IChatResponseValidator> CreateAll(IConfigurationSection validators, IServiceProvider? services = null)
    {
        ArgumentNullException.ThrowIfNull(validators);
        var created = new List<IChatResponseValidator>();
        foreach (var entry in validators.GetChildren())
        {
            var name = entry.Value ?? entry["Name"];
            if (string.IsNullOrWhiteSpace(name))
            {
                throw new InvalidOperationException(
                    $"The response validator entry at configuration path '{entry.Path}' has no name. Write it as a string (\"not-empty\") or as an object with a \"Name\" (for example {{ \"Name\": \"regex\", \"Pattern\": \"^OK\" }}).");
            }

            created.Add(Create(name, entry, services));
        }

        return created;
    }

    private static JsonSchemaResponseValidator CreateJsonSchemaValidator(IConfigurationSection section)
    {
        var schemaText = section["Schema"];
        if (string.IsNullOrWhiteSpace(schemaText))
        {
            throw new InvalidOperationException(
                $"The response validator \"json-schema\" at configuration path '{section.Path}' needs a \"Schema\" setting holding the JSON schema as a string " +
                "(configuration turns a JSON object into string values, which would lose the schema's types).");
        }

        try
        {
            using var document = JsonDocument.Parse(schemaText);
            return new JsonSchemaResponseValidator(document.RootElement) { RequireBareJson = GetBool(section, "RequireBareJson", "json-schema") };
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException)
        {
            throw new InvalidOperationException(
                $"The \"Schema\" setting of the response validator \"json-schema\" at configuration path '{section.Path}' is not a JSON schema: {ex.Message}", ex);
        }
    }

    private static RegexResponseValidator CreateRegexValidator(IConfigurationSection section)
    {
        var pattern = section["Pattern"];
        if (string.IsNullOrEmpty(pattern))
        {
            throw new InvalidOperationException(
                $"The response validator \"regex\" at configuration path '{section.Path}' needs a \"Pattern\" setting (a .NET regular expression).");
        }

        var options = RegexOptions.None;
        if (GetBool(section, "IgnoreCase", "regex"))
        {
            options |= RegexOptions.IgnoreCase;
        }

        if (GetBool(section, "Multiline", "regex"))
        {
            options |= RegexOptions.Multiline;
        }

        try
        {
            return new RegexResponseValidator(pattern, options, section["Message"]);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidOperationException(
                $"The \"Pattern\" setting of the response validator \"regex\" at configuration path '{section.Path}' is not a valid regular expression: {ex.Message}", ex);
        }
    }

    private static bool GetBool(IConfigurationSection section, string key, string validator)
    {
        var value = section[key];
        if (value is null)
        {
            return false;
        }

        return bool.TryParse(value, out var result)
            ? result
            : throw new InvalidOperationException(
                $"The \"{key}\" setting of the response validator \"{validator}\" at configuration path '{section.Path}' must be true or false, but is \"{value}\".");
    }

    private static int GetRequiredInt(IConfigurationSection section, string key, string validator)
    {
        var value = section[key];
        if (value is null || !int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var result))
        {
            throw new InvalidOperationException(
                $"The response validator \"{validator}\" at configuration path '{section.Path}' needs a \"{key}\" setting holding a non-negative integer" +
                (value is null ? "." : $", but it is \"{value}\"."));
        }

        return result;
    }
}
