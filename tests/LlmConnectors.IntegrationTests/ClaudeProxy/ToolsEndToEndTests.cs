using System.ClientModel;
using System.Text.Json;
using LlmConnectors.TestServers.Anthropic;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Chat;

namespace LlmConnectors.IntegrationTests.ClaudeProxy;

/// <summary>OpenAI function tools through the real proxy and the real CLI, with the official OpenAI .NET SDK and ClaudeProxyChatClient.</summary>
public class ToolsEndToEndTests(ClaudeProxyEndToEndFixture fixture) : IClassFixture<ClaudeProxyEndToEndFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly ChatTool WeatherTool = ChatTool.CreateFunctionTool(
        "get_weather",
        "Gets the current weather of a city.",
        BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}"""));

    private ChatClient OpenAIChatClient() =>
        new("sonnet", new ApiKeyCredential(ProxyProcess.ApiKey), new OpenAIClientOptions { Endpoint = new Uri(fixture.Proxy.BaseUrl + "/v1") });

    [Fact]
    public async Task OpenAISdk_ToolCallThenToolMessage_ReturnsToolCallsAndTheModelReceivesTheResult()
    {
        fixture.Backend.Enqueue(
            ScriptedAnthropicReply.ToolUse(string.Empty, ("toolu_e2e1", "mcp__pack__get_weather", """{"city":"Lyon"}""")),
            ScriptedAnthropicReply.Text("Sunny in Lyon."));
        var client = OpenAIChatClient();
        var options = new ChatCompletionOptions { Tools = { WeatherTool }, ToolChoice = ChatToolChoice.CreateAutoChoice() };
        List<OpenAI.Chat.ChatMessage> messages = [new UserChatMessage("Weather in Lyon?")];

        var first = (await client.CompleteChatAsync(messages, options, Ct)).Value;

        Assert.Equal(OpenAI.Chat.ChatFinishReason.ToolCalls, first.FinishReason);
        var call = Assert.Single(first.ToolCalls);
        Assert.Equal(("toolu_e2e1", "get_weather"), (call.Id, call.FunctionName));
        Assert.Equal("Lyon", JsonDocument.Parse(call.FunctionArguments).RootElement.GetProperty("city").GetString());
        var offered = fixture.Backend.Requests[^1];
        Assert.Contains("mcp__pack__get_weather", offered.Tools);

        messages.Add(new AssistantChatMessage(first));
        messages.Add(new ToolChatMessage(call.Id, "sunny, 21 C"));
        var second = (await client.CompleteChatAsync(messages, options, Ct)).Value;

        Assert.Equal("Sunny in Lyon.", second.Content[0].Text);
        Assert.Equal(OpenAI.Chat.ChatFinishReason.Stop, second.FinishReason);
        var result = Assert.Single(fixture.Backend.Requests[^1].ConversationMessages[^1].Blocks("tool_result"));
        Assert.Equal("toolu_e2e1", result.GetProperty("tool_use_id").GetString());
        Assert.Contains("sunny, 21 C", result.GetProperty("content").GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAISdk_Streaming_YieldsToolCallDeltasAndFinishReasonToolCalls()
    {
        fixture.Backend.Enqueue(ScriptedAnthropicReply.ToolUse(
            string.Empty,
            ("toolu_s1", "mcp__pack__get_weather", """{"city":"Rome"}"""),
            ("toolu_s2", "mcp__pack__get_weather", """{"city":"Nice"}""")));
        var client = OpenAIChatClient();

        var calls = new Dictionary<int, (string? Id, string? Name, string Arguments)>();
        OpenAI.Chat.ChatFinishReason? finish = null;
        await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage("Rome and Nice?")], new ChatCompletionOptions { Tools = { WeatherTool } }, Ct))
        {
            foreach (var part in update.ToolCallUpdates)
            {
                var (id, name, arguments) = calls.GetValueOrDefault(part.Index, (null, null, string.Empty));
                calls[part.Index] = (id ?? part.ToolCallId, name ?? part.FunctionName, arguments + part.FunctionArgumentsUpdate?.ToString());
            }

            finish = update.FinishReason ?? finish;
        }

        Assert.Equal(OpenAI.Chat.ChatFinishReason.ToolCalls, finish);
        Assert.Equal(2, calls.Count);
        Assert.Equal(("toolu_s1", "get_weather"), (calls[0].Id, calls[0].Name));
        Assert.Equal("Nice", JsonDocument.Parse(calls[1].Arguments).RootElement.GetProperty("city").GetString());
    }

    [Fact]
    public async Task ClaudeProxyChatClient_FunctionInvokingChatClient_CompletesTheRoundTrip()
    {
        fixture.Backend.Enqueue(
            ScriptedAnthropicReply.ToolUse(string.Empty, ("toolu_p1", "mcp__pack__get_weather", """{"city":"Oslo"}""")),
            ScriptedAnthropicReply.Text("Snow in Oslo."));
        using var proxy = new ClaudeProxyChatClient(new ClaudeProxyClientOptions
        {
            Endpoint = new Uri(fixture.Proxy.BaseUrl + "/v1"),
            ApiKey = ProxyProcess.ApiKey,
            ModelId = "max/sonnet",
            Retry = new TransportRetryOptions { Enabled = false },
        });
        using var client = new FunctionInvokingChatClient(proxy);
        var weather = AIFunctionFactory.Create((string city) => $"snow, -3 C in {city}", "get_weather");

        var response = await client.GetResponseAsync([new(ChatRole.User, "Weather in Oslo?")], new ChatOptions { Tools = [weather] }, Ct);

        Assert.Equal("Snow in Oslo.", response.Messages[^1].Text);
        Assert.Equal("snow, -3 C in Oslo", Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>()).Result?.ToString());
        var result = Assert.Single(fixture.Backend.Requests[^1].ConversationMessages[^1].Blocks("tool_result"));
        Assert.Contains("snow, -3 C in Oslo", result.GetProperty("content").GetRawText(), StringComparison.Ordinal);
    }
}
