using System.ClientModel;
using System.Text.Json;
using LlmConnectors.TestServers.Anthropic;
using OpenAI;
using OpenAI.Chat;

namespace LlmConnectors.IntegrationTests.ClaudeProxy;

/// <summary>Sampling parameters an ordinary OpenAI client sends, through the real proxy and the real CLI.</summary>
public class UnsupportedParametersEndToEndTests(ClaudeProxyEndToEndFixture fixture) : IClassFixture<ClaudeProxyEndToEndFixture>
{
    [Fact]
    public async Task OpenAISdk_TemperatureStopAndMaxTokens_ServedWithTheLimitAndTheRestNamedInTheHeader()
    {
        fixture.Backend.Enqueue(ScriptedAnthropicReply.Text("Hi ", "there"));
        var client = new ChatClient("sonnet", new ApiKeyCredential(ProxyProcess.ApiKey), new OpenAIClientOptions { Endpoint = new Uri(fixture.Proxy.BaseUrl + "/v1") });
        var options = new ChatCompletionOptions { Temperature = 0.2f, TopP = 0.5f, MaxOutputTokenCount = 60 };
        options.StopSequences.Add("END");

        var result = await client.CompleteChatAsync([new UserChatMessage("Say hi")], options, TestContext.Current.CancellationToken);

        Assert.Equal("Hi there", result.Value.Content[0].Text);
        Assert.True(result.GetRawResponse().Headers.TryGetValue("X-ClaudeProxy-Ignored-Parameters", out var ignored));
        Assert.Equal("temperature, top_p, stop", ignored);
        using var body = JsonDocument.Parse(fixture.Backend.Requests[^1].RawJson);
        Assert.Equal(60, body.RootElement.GetProperty("max_tokens").GetInt32());
        Assert.False(body.RootElement.TryGetProperty("temperature", out _));
        Assert.False(body.RootElement.TryGetProperty("top_p", out _));
    }
}
