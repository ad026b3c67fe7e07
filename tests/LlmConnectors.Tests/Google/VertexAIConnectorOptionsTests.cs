namespace LlmConnectors.Tests.Google;

public sealed class VertexAIConnectorOptionsTests
{
    [Fact]
    public void ResolveEndpoint_RegionalAndGlobalLocations_UseVertexOpenAICompatiblePaths()
    {
        var regional = new VertexAIConnectorOptions { ProjectId = "p1", Location = "europe-west4" }.ResolveEndpoint();
        var global = new VertexAIConnectorOptions { ProjectId = "p1" }.ResolveEndpoint();

        Assert.Equal("https://europe-west4-aiplatform.googleapis.com/v1/projects/p1/locations/europe-west4/endpoints/openapi", regional.ToString());
        Assert.Equal("https://aiplatform.googleapis.com/v1/projects/p1/locations/global/endpoints/openapi", global.ToString());
    }

    [Fact]
    public void Validate_BadLocationAndMissingFile_NameTheSettings()
    {
        var errors = new VertexAIConnectorOptions { ProjectId = "p", Location = "eu west", CredentialsFile = "/nonexistent/llmc/key.json" }.Validate("Vertex");

        Assert.Contains(errors, e => e.StartsWith("Vertex:Location is 'eu west'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Vertex:CredentialsFile", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_GeminiBadTimeoutAndEndpoint_NameTheSettings()
    {
        var errors = new GeminiConnectorOptions { ApiKey = "k", Timeout = TimeSpan.FromSeconds(-1), Endpoint = new Uri("ftp://example.test/") }.Validate();

        Assert.Contains(errors, e => e.StartsWith("Gemini:Timeout", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Gemini:Endpoint is 'ftp://example.test/'", StringComparison.Ordinal));
    }
}
