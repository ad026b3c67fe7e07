using Microsoft.Extensions.AI;

/// <summary>The chosen leaf client and what to call it.</summary>
internal sealed record QuickStartBackend(IChatClient Client, string Description, string ModelId);
