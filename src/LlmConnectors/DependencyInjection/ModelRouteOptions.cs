namespace LlmConnectors;

/// <summary>One entry of <see cref="RoutingPipelineOptions.Routes"/>.</summary>
public sealed class ModelRouteOptions
{
    /// <summary>Gets or sets the model-id prefix, for example <c>max/</c>. Required.</summary>
    public string? Prefix { get; set; }

    /// <summary>Gets or sets the name of the leaf client that serves it. Required.</summary>
    public string? Client { get; set; }

    /// <summary>Gets or sets a value indicating whether the prefix is removed from the model id. Default: <see langword="true"/>.</summary>
    public bool StripPrefix { get; set; } = true;
}
