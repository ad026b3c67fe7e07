using System.Diagnostics;
using System.Text.Json;
using LlmConnectors.IntegrationTests.ClaudeCli;
using LlmConnectors.TestServers.Anthropic;

namespace LlmConnectors.IntegrationTests.ClaudeProxy;

/// <summary>The official <c>openai</c> npm client (pinned in tools/node) with <c>tools</c> against the real proxy and the real CLI.</summary>
public class ClaudeProxyNodeClientTests(ClaudeProxyEndToEndFixture fixture) : IClassFixture<ClaudeProxyEndToEndFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OpenAINpmClient_ToolRoundTrips_ParsesToolCallsStreamedAndNot()
    {
        fixture.Backend.Enqueue(
            ScriptedAnthropicReply.ToolUse(string.Empty, ("toolu_n1", "mcp__pack__get_weather", """{"city":"Lyon"}""")),
            ScriptedAnthropicReply.Text("Sunny ", "in Lyon."),
            ScriptedAnthropicReply.ToolUse(
                "Checking.",
                ("toolu_n2", "mcp__pack__get_weather", """{"city":"Rome"}"""),
                ("toolu_n3", "mcp__pack__get_weather", """{"city":"Nice"}""")),
            ScriptedAnthropicReply.Text("Rain in both."));
        var before = fixture.Backend.Requests.Count;

        using var result = await RunNodeAsync("openai-tools.mjs");

        var plain = result.RootElement.GetProperty("plain");
        Assert.Equal("tool_calls", plain.GetProperty("finish_reason").GetString());
        var call = Assert.Single(plain.GetProperty("tool_calls").EnumerateArray());
        Assert.Equal(("toolu_n1", "function", "get_weather"), (call.GetProperty("id").GetString(), call.GetProperty("type").GetString(), call.GetProperty("function").GetProperty("name").GetString()));
        Assert.Equal("Lyon", JsonDocument.Parse(call.GetProperty("function").GetProperty("arguments").GetString()!).RootElement.GetProperty("city").GetString());
        Assert.Equal("Sunny in Lyon.", plain.GetProperty("answer").GetString());
        Assert.Equal("stop", plain.GetProperty("answer_finish_reason").GetString());

        var streamed = result.RootElement.GetProperty("streamed");
        Assert.Equal("tool_calls", streamed.GetProperty("finish_reason").GetString());
        var calls = streamed.GetProperty("tool_calls").EnumerateArray().ToList();
        Assert.Equal(["toolu_n2", "toolu_n3"], calls.Select(c => c.GetProperty("id").GetString()));
        Assert.Equal(["Rome", "Nice"], calls.Select(c => JsonDocument.Parse(c.GetProperty("function").GetProperty("arguments").GetString()!).RootElement.GetProperty("city").GetString()));
        Assert.True(streamed.GetProperty("delta_count").GetInt32() >= 2);
        var firstDelta = streamed.GetProperty("first_delta");
        Assert.Equal((0, "toolu_n2", "get_weather"), (firstDelta.GetProperty("index").GetInt32(), firstDelta.GetProperty("id").GetString(), firstDelta.GetProperty("function").GetProperty("name").GetString()));
        Assert.Equal("Rain in both.", streamed.GetProperty("answer").GetString());

        // The backend's record: the functions were offered, and each tool message reached the model as a tool_result.
        var received = fixture.Backend.Requests.Skip(before).ToList();
        Assert.Equal(4, received.Count);
        Assert.All(received, r => Assert.Contains("mcp__pack__get_weather", r.Tools));
        var lyon = Assert.Single(received[1].ConversationMessages[^1].Blocks("tool_result"));
        Assert.Equal("toolu_n1", lyon.GetProperty("tool_use_id").GetString());
        Assert.Contains("sunny, 21 C in Lyon", lyon.GetProperty("content").GetRawText(), StringComparison.Ordinal);
        var both = received[3].ConversationMessages[^1].Blocks("tool_result");
        Assert.Equal(["toolu_n2", "toolu_n3"], both.Select(b => b.GetProperty("tool_use_id").GetString()).Order());
        Assert.Contains("rain in Nice", both.Single(b => b.GetProperty("tool_use_id").GetString() == "toolu_n3").GetProperty("content").GetRawText(), StringComparison.Ordinal);
    }

    private async Task<JsonDocument> RunNodeAsync(string script)
    {
        var root = ClaudeCliTestEnvironment.RepositoryRoot;
        var tools = Path.Combine(root, "tools", "node");
        Assert.True(
            File.Exists(Path.Combine(tools, "node_modules", "openai", "package.json")),
            $"The openai npm package is missing in {tools}. Build the integration tests (which runs 'npm ci' there) or run 'npm ci' in {tools}.");
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(root, "tests", "LlmConnectors.IntegrationTests", "ClaudeProxy", "Node", script));
        start.ArgumentList.Add(tools);
        start.Environment["PROXY_URL"] = fixture.Proxy.BaseUrl;
        start.Environment["PROXY_KEY"] = ProxyProcess.ApiKey;
        using var node = Process.Start(start)!;
        var output = node.StandardOutput.ReadToEndAsync(Ct);
        var error = node.StandardError.ReadToEndAsync(Ct);
        await node.WaitForExitAsync(Ct);
        Assert.True(node.ExitCode == 0, $"node {script} exited with {node.ExitCode}: {await error}");
        return JsonDocument.Parse(await output);
    }
}
