using System.ClientModel;
using LlmConnectors.IntegrationTests.AgentFramework;
using LlmConnectors.IntegrationTests.SemanticKernel;
using LlmConnectors.TestServers.Anthropic;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using OpenAI;

namespace LlmConnectors.IntegrationTests.ClaudeProxy;

/// <summary>
/// A Semantic Kernel plugin with automatic function calling and an Agent Framework agent with a tool, over the real proxy (real
/// CLI behind it, scripted backend answering with <c>tool_use</c> blocks), through MEAI's OpenAI client
/// (<c>Microsoft.Extensions.AI.OpenAI</c> over the official OpenAI SDK) and through <see cref="ClaudeProxyChatClient"/>.
/// </summary>
public class AgentsOverProxyTests(ClaudeProxyEndToEndFixture fixture) : IClassFixture<ClaudeProxyEndToEndFixture>
{
    // Semantic Kernel names a plugin's function to the model as plugin_function.
    private const string PluginFunction = "Weather_get_temperature";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IChatClient MeaiOpenAIClient() =>
        new OpenAI.Chat.ChatClient("sonnet", new ApiKeyCredential(ProxyProcess.ApiKey), new OpenAIClientOptions { Endpoint = new Uri(fixture.Proxy.BaseUrl + "/v1") }).AsIChatClient();

    private ClaudeProxyChatClient PackClient() => new(new ClaudeProxyClientOptions
    {
        Endpoint = new Uri(fixture.Proxy.BaseUrl + "/v1"),
        ApiKey = ProxyProcess.ApiKey,
        ModelId = "max/sonnet",
        Retry = new TransportRetryOptions { Enabled = false },
    });

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SemanticKernelPlugin_FunctionChoiceAuto_ThroughMeaiOpenAIClient_InvokedEndToEnd(bool streaming)
    {
        fixture.Backend.Enqueue(
            ScriptedAnthropicReply.ToolUse(string.Empty, ("toolu_skp1", "mcp__pack__" + PluginFunction, """{"city":"Oslo"}""")),
            ScriptedAnthropicReply.Text("It is 21 degrees ", "in Oslo."));
        var before = fixture.Backend.Requests.Count;
        var builder = Kernel.CreateBuilder();
        builder.Services.AddChatClient(MeaiOpenAIClient()).UseFunctionInvocation();
        var plugin = new WeatherPlugin();
        builder.Plugins.AddFromObject(plugin, "Weather");
        var kernel = builder.Build();
        var chat = kernel.GetRequiredService<IChatClient>().AsChatCompletionService();
        var history = new ChatHistory("You are a weather bot for sailors.");
        history.AddUserMessage("What is the temperature in Oslo? sk-proxy-plugin");
        var settings = new PromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto() };

        var answer = streaming
            ? string.Concat(await chat.GetStreamingChatMessageContentsAsync(history, settings, kernel, Ct).Select(c => c.Content).ToListAsync(Ct))
            : (await chat.GetChatMessageContentAsync(history, settings, kernel, Ct)).Content;

        Assert.Equal(1, plugin.Calls);
        Assert.Equal("It is 21 degrees in Oslo.", answer);
        var received = fixture.Backend.Requests.Skip(before).ToList();
        Assert.Equal(2, received.Count);
        Assert.Contains("You are a weather bot for sailors.", string.Join('\n', received[0].System), StringComparison.Ordinal);
        Assert.True(received[0].Tools.Contains("mcp__pack__" + PluginFunction), $"The model was offered [{string.Join(", ", received[0].Tools)}].");
        var definition = received[0].ToolDefinitions.Single(t => t.GetProperty("name").GetString() == "mcp__pack__" + PluginFunction);
        Assert.Equal("Gets the current temperature in a city.", definition.GetProperty("description").GetString());
        Assert.Contains("sk-proxy-plugin", received[0].ConversationMessages[0].Text, StringComparison.Ordinal);
        var toolResult = Assert.Single(received[1].ConversationMessages[^1].Blocks("tool_result"));
        Assert.Equal("toolu_skp1", toolResult.GetProperty("tool_use_id").GetString());
        Assert.Contains("21 degrees in Oslo", toolResult.GetProperty("content").GetRawText(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("meai-openai")]
    [InlineData("claude-proxy-client")]
    public async Task AgentFrameworkAgent_WithATool_OverTheProxy_InstructionsToolAndResultReachTheModel(string client)
    {
        fixture.Backend.Enqueue(
            ScriptedAnthropicReply.ToolUse("Let me look.", ("toolu_afp1", "mcp__pack__local_time", """{"city":"Lima"}""")),
            ScriptedAnthropicReply.Text("It is 09:30 ", "in Lima."));
        var before = fixture.Backend.Requests.Count;
        using var leaf = client == "meai-openai" ? MeaiOpenAIClient() : PackClient();
        var tool = new LocalTimeTool();
        var agent = new ChatClientAgent(leaf, instructions: "You are a terse travel guide.", tools: [tool.Function]);

        var response = await agent.RunAsync("What time is it in Lima? af-proxy-tool", cancellationToken: Ct);

        Assert.Equal(1, tool.Calls);
        Assert.Equal("It is 09:30 in Lima.", response.Messages[^1].Text);
        var received = fixture.Backend.Requests.Skip(before).ToList();
        Assert.Equal(2, received.Count);
        Assert.Contains("You are a terse travel guide.", string.Join('\n', received[0].System), StringComparison.Ordinal);
        Assert.True(received[0].Tools.Contains("mcp__pack__local_time"), $"The model was offered [{string.Join(", ", received[0].Tools)}].");
        var toolResult = Assert.Single(received[1].ConversationMessages[^1].Blocks("tool_result"));
        Assert.Equal("toolu_afp1", toolResult.GetProperty("tool_use_id").GetString());
        Assert.Contains("09:30 in Lima", toolResult.GetProperty("content").GetRawText(), StringComparison.Ordinal);
    }
}
