namespace LlmConnectors;

/// <summary>The <c>JsonEnforcement</c> section of <see cref="ChatPipelineOptions"/>: the settings of <see cref="JsonEnforcingChatClient"/>.</summary>
public sealed class JsonEnforcementPipelineOptions
{
    /// <summary>Gets or sets a value indicating whether the middleware is in the pipeline. Default: <see langword="true"/> when the section exists.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets or sets <see cref="JsonEnforcingChatClient.AlwaysEnforce"/>. Default: <see langword="false"/>.</summary>
    public bool AlwaysEnforce { get; set; }

    /// <summary>Gets or sets <see cref="JsonEnforcingChatClient.AssumeNativeSupportWhenUnknown"/>. Default: <see langword="false"/>.</summary>
    public bool AssumeNativeSupportWhenUnknown { get; set; }

    /// <summary>Gets or sets <see cref="JsonEnforcingChatClient.ValidateSchema"/>. Default: <see langword="true"/>.</summary>
    public bool ValidateSchema { get; set; } = true;
}
