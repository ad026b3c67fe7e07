using Microsoft.Extensions.Configuration;

namespace LlmConnectors.Tests.Providers;

public sealed class LlmProviderDetectorTests
{
    private static LlmProviderDetector Detector(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new LlmProviderDetector(configuration, configuration);
    }

    [Fact]
    public void ApiKey_FromSectionOrVariableOrNeither_SaysWhich()
    {
        var fromSection = Detector(new() { ["Gemini:ApiKey"] = "k" }).ApiKey("gemini", "gemini/", "Gemini", "LLMC_UNIT_GEMINI_A", "LLMC_UNIT_GEMINI_B");
        var fromVariable = Detector(new() { ["LLMC_UNIT_GEMINI_B"] = "k2" }).ApiKey("gemini", "gemini/", "Gemini", "LLMC_UNIT_GEMINI_A", "LLMC_UNIT_GEMINI_B");
        var neither = Detector([]).ApiKey("gemini", "gemini/", "Gemini", "LLMC_UNIT_GEMINI_A", "LLMC_UNIT_GEMINI_B");
        var disabled = Detector(new() { ["Gemini:ApiKey"] = "k", ["Gemini:Enabled"] = "false" }).ApiKey("gemini", "gemini/", "Gemini", "LLMC_UNIT_GEMINI_A");

        Assert.Equal(new LlmProviderDetection("gemini", "gemini/", true, "Gemini:ApiKey is set."), fromSection.Detection);
        Assert.Null(fromSection.FromEnvironment);
        Assert.Equal("LLMC_UNIT_GEMINI_B is set.", fromVariable.Detection.Reason);
        Assert.Equal("k2", fromVariable.FromEnvironment);
        Assert.False(neither.Detection.Detected);
        Assert.Equal("neither Gemini:ApiKey nor LLMC_UNIT_GEMINI_A nor LLMC_UNIT_GEMINI_B is set.", neither.Detection.Reason);
        Assert.Equal("Gemini:Enabled is false.", disabled.Detection.Reason);
    }

    [Fact]
    public void ClaudeCli_OnPathOrNot_SaysWhereOrHowToInstall()
    {
        var directory = Directory.CreateTempSubdirectory("llmc-path-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(directory, OperatingSystem.IsWindows() ? "claude.exe" : "claude"), string.Empty);

            var found = Detector(new() { ["PATH"] = directory }).ClaudeCli();
            var missing = Detector(new() { ["PATH"] = Path.Combine(directory, "empty") }).ClaudeCli();

            Assert.True(found.Detection.Detected);
            Assert.Equal("max/", found.Detection.Prefix);
            Assert.Contains(directory, found.Detection.Reason, StringComparison.Ordinal);
            Assert.False(missing.Detection.Detected);
            Assert.Contains("npm install -g @anthropic-ai/claude-code", missing.Detection.Reason, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void VertexAI_CredentialsWithoutProject_SaysWhichSettingSetsTheProject()
    {
        var directory = Directory.CreateTempSubdirectory("llmc-adc-").FullName;
        try
        {
            var file = Path.Combine(directory, "adc.json");
            File.WriteAllText(file, """{"type":"authorized_user","client_id":"c","client_secret":"s","refresh_token":"r"}""");

            var noProject = Detector(new() { ["VertexAI:CredentialsFile"] = file }).VertexAI();
            var withProject = Detector(new() { ["VertexAI:CredentialsFile"] = file, ["GOOGLE_CLOUD_PROJECT"] = "my-project" }).VertexAI();
            var noFile = Detector(new() { ["VertexAI:CredentialsFile"] = Path.Combine(directory, "missing.json") }).VertexAI();

            Assert.False(noProject.Detection.Detected);
            Assert.Contains("VertexAI:ProjectId or GOOGLE_CLOUD_PROJECT", noProject.Detection.Reason, StringComparison.Ordinal);
            Assert.True(withProject.Detection.Detected);
            Assert.Equal("my-project", withProject.ProjectId);
            Assert.Equal(file, withProject.FromEnvironment);
            Assert.Contains("authorized_user", withProject.Detection.Reason, StringComparison.Ordinal);
            Assert.False(noFile.Detection.Detected);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
