/// <summary>The typed answer the agent is asked for.</summary>
internal sealed record CityFacts(string Name, string Country, int Population);
