using System.ClientModel;
using System.Text;
using LlmConnectors.TestServers.Anthropic;
using OpenAI;
using OpenAI.Chat;

namespace LlmConnectors.IntegrationTests.ClaudeProxy;

/// <summary>
/// Conversations through the real proxy with the official OpenAI .NET SDK, which sends the whole history every turn: each
/// conversation continues in the CLI process that holds it.
/// </summary>
public class ClaudeProxyConversationTests(ClaudeProxyEndToEndFixture fixture) : IClassFixture<ClaudeProxyEndToEndFixture>
{
    /// <summary>The header by which the CLI names its session (one per process: sessions are not persisted) on every API call.</summary>
    private const string SessionHeader = "x-claude-code-session-id";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ChatClient OpenAIChatClient() =>
        new("sonnet", new ApiKeyCredential(ProxyProcess.ApiKey), new OpenAIClientOptions { Endpoint = new Uri(fixture.Proxy.BaseUrl + "/v1") });

    private async Task<string> AskAsync(List<ChatMessage> messages, string text, bool streaming)
    {
        messages.Add(new UserChatMessage(text));
        string answer;
        if (streaming)
        {
            var builder = new StringBuilder();
            await foreach (var update in OpenAIChatClient().CompleteChatStreamingAsync(messages, cancellationToken: Ct))
            {
                foreach (var part in update.ContentUpdate)
                {
                    builder.Append(part.Text);
                }
            }

            answer = builder.ToString();
        }
        else
        {
            answer = (await OpenAIChatClient().CompleteChatAsync(messages, cancellationToken: Ct)).Value.Content[0].Text;
        }

        messages.Add(new AssistantChatMessage(answer));
        return answer;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task OpenAISdk_FiveTurnConversation_RunsInOneCliProcessAndTheModelSeesTheWholeContext(bool streaming)
    {
        fixture.Backend.DefaultReply = request => ScriptedAnthropicReply.Text("re: ", request.ConversationMessages[^1].Text);
        var before = fixture.Backend.Requests.Count;
        var tag = streaming ? "s" : "n";
        List<ChatMessage> messages = [new SystemChatMessage("Keep track.")];

        for (var turn = 1; turn <= 5; turn++)
        {
            Assert.Equal($"re: {tag}{turn}", await AskAsync(messages, $"{tag}{turn}", streaming));
        }

        var received = fixture.Backend.Requests.Skip(before).ToList();
        Assert.Equal(5, received.Count);
        for (var turn = 1; turn <= 5; turn++)
        {
            var expected = Enumerable.Range(1, turn).SelectMany(t => new[] { $"{tag}{t}", $"re: {tag}{t}" }).SkipLast(1);
            Assert.Equal(expected, received[turn - 1].ConversationMessages.Select(m => m.Text));
            Assert.Contains("Keep track.", string.Join('\n', received[turn - 1].System), StringComparison.Ordinal);
        }

        Assert.Single(received.Select(r => r.Headers[SessionHeader]).Distinct());
    }

    [Fact]
    public async Task OpenAISdk_InterleavedAndDivergingConversations_StayApart()
    {
        fixture.Backend.DefaultReply = request => ScriptedAnthropicReply.Text("re: ", request.ConversationMessages[^1].Text);
        var before = fixture.Backend.Requests.Count;
        List<ChatMessage> a = [];
        List<ChatMessage> b = [];

        for (var turn = 1; turn <= 3; turn++)
        {
            _ = await AskAsync(a, $"A{turn}", streaming: turn % 2 == 0);
            _ = await AskAsync(b, $"B{turn}", streaming: turn % 2 == 1);
        }

        // A copy of A with its first message edited diverges: a process of its own, which never sees A's first message.
        List<ChatMessage> edited = [new UserChatMessage("A1 edited"), .. a.Skip(1)];
        _ = await AskAsync(edited, "A4", streaming: false);

        var received = fixture.Backend.Requests.Skip(before).ToList();
        Assert.Equal(7, received.Count);
        var sessions = received.Select(r => r.Headers[SessionHeader]).ToList();
        Assert.Equal(3, sessions.Distinct().Count());
        Assert.Single(sessions.Where((_, i) => i % 2 == 0 && i < 6).Distinct());
        Assert.Single(sessions.Where((_, i) => i % 2 == 1).Distinct());
        Assert.DoesNotContain(sessions[6], sessions.Take(6));
        Assert.All(received.Where((_, i) => i % 2 == 0 && i < 6), r => Assert.All(r.ConversationMessages, m => Assert.Contains("A", m.Text, StringComparison.Ordinal)));
        Assert.All(received.Where((_, i) => i % 2 == 1), r => Assert.All(r.ConversationMessages, m => Assert.Contains("B", m.Text, StringComparison.Ordinal)));
        Assert.Equal(["A1 edited", "re: A1", "A2", "re: A2", "A3", "re: A3", "A4"], received[6].ConversationMessages.Select(m => m.Text));
    }
}
