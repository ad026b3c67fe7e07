namespace LlmConnectors.IntegrationTests.ClaudeCli;

/// <summary>A typed answer for the schema tests (public: MEAI builds its schema by reflection).</summary>
/// <param name="Name">The person's name.</param>
/// <param name="Age">The person's age.</param>
public sealed record SchemaPerson(string Name, int Age);
