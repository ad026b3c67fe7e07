using Microsoft.Extensions.Configuration;

namespace LlmConnectors;

/// <summary>The <c>RetryWithValidation</c> section of <see cref="ChatPipelineOptions"/>: the settings of <see cref="RetryWithValidationChatClient"/>.</summary>
public sealed class RetryWithValidationPipelineOptions
{
    /// <summary>Gets or sets a value indicating whether the middleware is in the pipeline. Default: <see langword="true"/> when the section exists.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets or sets <see cref="RetryWithValidationChatClient.MaxAttempts"/> (at least 1). Default: 3.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Gets or sets <see cref="RetryWithValidationChatClient.KeepOnlyLastFailedAttempt"/>. Default: <see langword="false"/>.</summary>
    public bool KeepOnlyLastFailedAttempt { get; set; }

    /// <summary>Gets or sets <see cref="RetryWithValidationChatClient.StopAtFirstFailure"/>. Default: <see langword="true"/>.</summary>
    public bool StopAtFirstFailure { get; set; } = true;

    /// <summary>Gets or sets <see cref="RetryWithValidationChatClient.RetryOnJsonEnforcementFailure"/>. Default: <see langword="true"/>.</summary>
    public bool RetryOnJsonEnforcementFailure { get; set; } = true;

    /// <summary>Gets or sets <see cref="RetryWithValidationChatClient.StreamFirstAttempt"/>. Default: <see langword="false"/>.</summary>
    public bool StreamFirstAttempt { get; set; }

    /// <summary>
    /// Gets or sets the <c>Validators</c> list as written in configuration: each entry a name (<c>"not-empty"</c>) or an object with a
    /// <c>Name</c> and settings, created through the <see cref="ChatResponseValidatorRegistry"/> service. Default: none.
    /// </summary>
    public IConfigurationSection? Validators { get; set; }
}
