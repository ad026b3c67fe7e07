using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace LlmConnectors.Tests.Providers;

public sealed class EnvironmentReferencesTests
{
    [Fact]
    public void Expand_ReferencesToSetVariables_AreReplacedUnderTheOriginalPaths()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["LLMC_UNIT_KEY"] = "sk-123",
            ["LLMC_UNIT_HOST"] = "example.test",
            ["OpenAI:ApiKey"] = "${LLMC_UNIT_KEY}",
            ["OpenAI:Endpoint"] = "https://${LLMC_UNIT_HOST}/v1",
            ["OpenAI:ModelId"] = "gpt-4o-mini",
            ["Other:Value"] = "${LLMC_UNIT_NOT_SET_9C1}",
        }).Build();

        var expanded = EnvironmentReferences.Expand(configuration, ["OpenAI"]);

        Assert.Equal("sk-123", expanded["OpenAI:ApiKey"]);
        Assert.Equal("https://example.test/v1", expanded["OpenAI:Endpoint"]);
        Assert.Equal("gpt-4o-mini", expanded["OpenAI:ModelId"]);
        Assert.Null(expanded["Other:Value"]);
    }

    [Fact]
    public void Expand_ReferencesToMissingVariables_FailNamingEachSettingAndVariable()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gemini:ApiKey"] = "${LLMC_UNIT_NOT_SET_1A2}",
            ["OpenRouter:ApiKey"] = "prefix-${LLMC_UNIT_NOT_SET_3B4}",
        }).Build();

        var error = Assert.Throws<OptionsValidationException>(() => EnvironmentReferences.Expand(configuration, ["Gemini", "OpenRouter"]));

        Assert.Equal(2, error.Failures.Count());
        Assert.Contains(error.Failures, f => f.StartsWith("Gemini:ApiKey references ${LLMC_UNIT_NOT_SET_1A2}", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("OpenRouter:ApiKey references ${LLMC_UNIT_NOT_SET_3B4}", StringComparison.Ordinal));
    }
}
