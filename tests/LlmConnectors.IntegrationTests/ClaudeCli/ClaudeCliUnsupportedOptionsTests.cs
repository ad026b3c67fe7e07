using System.Text.Json;
using LlmConnectors.TestServers.Anthropic;
using Microsoft.Extensions.AI;

namespace LlmConnectors.IntegrationTests.ClaudeCli;

/// <summary>Sampling options the CLI cannot honour, and the output limit it can, with the real CLI against the scripted backend.</summary>
public sealed class ClaudeCliUnsupportedOptionsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetResponseAsync_SamplingOptionsAndMaxOutputTokens_IgnoresAndReportsTheFormerAndSendsTheLimit(bool streaming)
    {
        await using var server = await ScriptedAnthropicServer.StartAsync(Ct);
        using var client = new ClaudeCliChatClient(ClaudeCliTestEnvironment.Options(server));
        var options = new ChatOptions { Temperature = 0.2f, TopP = 0.9f, StopSequences = ["END"], Seed = 7, MaxOutputTokens = 77 };

        string text;
        AdditionalPropertiesDictionary? properties;
        if (streaming)
        {
            var updates = await client.GetStreamingResponseAsync([new(ChatRole.User, "Say hi")], options, Ct).ToListAsync(Ct);
            text = updates.ToChatResponse().Text;
            properties = updates[^1].AdditionalProperties;
        }
        else
        {
            var response = await client.GetResponseAsync([new(ChatRole.User, "Say hi")], options, Ct);
            text = response.Text;
            properties = response.AdditionalProperties;
        }

        Assert.Equal("Hello world", text);
        Assert.Equal(["Temperature", "TopP", "StopSequences", "Seed"], (string[])properties![ClaudeCliPropertyNames.IgnoredOptions]!);
        using var body = JsonDocument.Parse(Assert.Single(server.Requests).RawJson);
        Assert.Equal(77, body.RootElement.GetProperty("max_tokens").GetInt32());
        Assert.False(body.RootElement.TryGetProperty("temperature", out _));
        Assert.False(body.RootElement.TryGetProperty("stop_sequences", out _));
        Assert.Equal(0.2f, options.Temperature);
    }

    [Fact]
    public async Task GetResponseAsync_NoUnsupportedOptions_ReportsNothingAndKeepsTheCliDefaultLimit()
    {
        await using var server = await ScriptedAnthropicServer.StartAsync(Ct);
        using var client = new ClaudeCliChatClient(ClaudeCliTestEnvironment.Options(server));

        var response = await client.GetResponseAsync([new(ChatRole.User, "Say hi")], new ChatOptions(), Ct);

        Assert.False(response.AdditionalProperties!.ContainsKey(ClaudeCliPropertyNames.IgnoredOptions));
        using var body = JsonDocument.Parse(Assert.Single(server.Requests).RawJson);
        Assert.NotEqual(77, body.RootElement.GetProperty("max_tokens").GetInt32());
    }

    [Fact]
    public async Task GetResponseAsync_RejectPolicy_FailsNamingTheOptionAndTheSettingBeforeAnyCall()
    {
        await using var server = await ScriptedAnthropicServer.StartAsync(Ct);
        var settings = ClaudeCliTestEnvironment.Options(server);
        settings.UnsupportedOptions = ClaudeCliUnsupportedOptionHandling.Reject;
        var started = new StartedProcesses();
        using var client = new ClaudeCliChatClient(settings, started);

        var error = await Assert.ThrowsAsync<ArgumentException>("options", () => client.GetResponseAsync([new(ChatRole.User, "Say hi")], new ChatOptions { Temperature = 0 }, Ct));

        Assert.Contains("ChatOptions.Temperature", error.Message, StringComparison.Ordinal);
        Assert.Contains("ClaudeCli:UnsupportedOptions", error.Message, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
        Assert.Empty(started.Ids);
    }
}
