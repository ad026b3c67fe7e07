namespace LlmConnectors;

/// <summary>One entry of <see cref="FailoverPipelineOptions.Fallbacks"/>; at least one of <see cref="Client"/> and <see cref="ModelId"/> is required.</summary>
public sealed class FailoverEntryOptions
{
    /// <summary>
    /// Gets or sets the name of the leaf client to try; when <see langword="null"/>, the rest of the pipeline (the routing table, or the
    /// pipeline's leaf client) is asked again with <see cref="ModelId"/>.
    /// </summary>
    public string? Client { get; set; }

    /// <summary>Gets or sets the model id to ask for; the request's own when <see langword="null"/>.</summary>
    public string? ModelId { get; set; }

    /// <summary>Gets or sets the name recorded in responses and failures; the client name or the model id when <see langword="null"/>.</summary>
    public string? Name { get; set; }
}
