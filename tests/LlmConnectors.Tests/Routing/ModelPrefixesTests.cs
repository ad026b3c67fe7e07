namespace LlmConnectors.Tests.Routing;

public class ModelPrefixesTests
{
    [Theory]
    [InlineData("max/sonnet", "max/")]
    [InlineData("MAX/sonnet", "max/")]
    [InlineData("max/special/x", "max/special/")]
    [InlineData("openrouter/max/x", null)]
    [InlineData(null, null)]
    public void FindLongest_LongestCaseInsensitivePrefixWins(string? modelId, string? expected) =>
        Assert.Equal(expected, ModelPrefixes.FindLongest(modelId, ["max/", "max/special/", "openai/"], static p => p));

    [Theory]
    [InlineData("max/sonnet", "sonnet")]
    [InlineData("claude-proxy/opus", "opus")]
    [InlineData("Claude-Proxy/opus", "opus")]
    [InlineData("max/", null)]
    [InlineData("sonnet", "sonnet")]
    [InlineData("openrouter/max/sonnet", "openrouter/max/sonnet")]
    public void StripAny_RemovesTheMatchedPrefixOnly(string modelId, string? expected) =>
        Assert.Equal(expected, ModelPrefixes.StripAny(modelId, ModelPrefixes.ClaudeProxyAccepted));

    [Fact]
    public void ClaudeProxyChatClient_StripsTheSamePrefixesAsTheProxy()
    {
        Assert.Equal("sonnet", ClaudeProxyChatClient.StripPrefix("max/sonnet"));
        Assert.Equal("sonnet", ClaudeProxyChatClient.StripPrefix("claude-proxy/sonnet"));
        Assert.Equal(ModelPrefixes.Claude, ClaudeProxyChatClient.ModelPrefix);
    }
}
