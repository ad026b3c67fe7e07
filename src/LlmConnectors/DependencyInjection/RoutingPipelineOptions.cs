namespace LlmConnectors;

/// <summary>The <c>Routing</c> section of <see cref="ChatPipelineOptions"/>: the table of <see cref="ModelRoutingChatClient"/>.</summary>
public sealed class RoutingPipelineOptions
{
    /// <summary>Gets or sets a value indicating whether routing is in the pipeline. Default: <see langword="true"/> when the section exists.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets the routes, in order; the longest matching prefix wins.</summary>
    public IList<ModelRouteOptions> Routes { get; } = [];

    /// <summary>
    /// Gets or sets the leaf client for model ids no route matches; <see cref="ChatPipelineOptions.Client"/> when <see langword="null"/>;
    /// with neither, such model ids are rejected.
    /// </summary>
    public string? DefaultClient { get; set; }
}
