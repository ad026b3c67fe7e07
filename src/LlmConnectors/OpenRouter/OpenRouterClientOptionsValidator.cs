using Microsoft.Extensions.Options;

namespace LlmConnectors.OpenRouter;

/// <summary>Validates <see cref="OpenRouterClientOptions"/> at start-up, with messages that name the setting and how to set it.</summary>
internal sealed class OpenRouterClientOptionsValidator(string sectionName) : IValidateOptions<OpenRouterClientOptions>
{
    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, OpenRouterClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate(sectionName);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
