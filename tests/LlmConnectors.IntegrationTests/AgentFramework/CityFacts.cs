namespace LlmConnectors.IntegrationTests.AgentFramework;

/// <summary>The typed answer the agents are asked for with <c>RunAsync&lt;T&gt;</c>.</summary>
public sealed record CityFacts(string Name, string Country, int Population);
