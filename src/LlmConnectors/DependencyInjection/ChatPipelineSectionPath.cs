namespace LlmConnectors.DependencyInjection;

/// <summary>Remembers which configuration section a pipeline's options come from, for messages and to refuse a second registration.</summary>
/// <param name="OptionsName">The options name of the pipeline.</param>
/// <param name="Path">The configuration path of its section.</param>
internal sealed record ChatPipelineSectionPath(string OptionsName, string Path);
