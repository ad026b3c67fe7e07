namespace LlmConnectors.Cli.Backends;

/// <summary>The backend a request goes to and the model id sent on its wire.</summary>
internal sealed record BackendSelection(BackendKind Backend, string ModelId);
