using Microsoft.Extensions.Options;

namespace LlmConnectors;

/// <summary>Validates the named options of one leaf registration at start-up with the options' own <c>Validate</c>, whose messages name each setting.</summary>
/// <typeparam name="TOptions">The options type.</typeparam>
/// <param name="name">The options name (the leaf's service key).</param>
/// <param name="validate">The options' validation.</param>
internal sealed class LeafOptionsValidator<TOptions>(string name, Func<TOptions, IReadOnlyList<string>> validate) : IValidateOptions<TOptions>
    where TOptions : class
{
    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? optionsName, TOptions options)
    {
        if (!string.Equals(optionsName, name, StringComparison.Ordinal))
        {
            return ValidateOptionsResult.Skip;
        }

        ArgumentNullException.ThrowIfNull(options);
        var errors = validate(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
