using System.Text.Json;
using LlmConnectors.ClaudeCli;
using Microsoft.Extensions.AI;

namespace LlmConnectors.Tests.ClaudeCli;

/// <summary>Which parked process a request may continue in: only the one holding its conversation, byte for byte.</summary>
public sealed class ClaudeCliConversationKeyTests
{
    private static readonly ClaudeCliOptions Client = new() { ModelId = "sonnet" };

    /// <summary>The key a process is parked under after answering <paramref name="answer"/> to <paramref name="messages"/>.</summary>
    private static string ParkedAfter(IEnumerable<ChatMessage> messages, string answer, ChatOptions? options = null) =>
        ClaudeCliConversationKey.Key(ClaudeCliRequest.Create(messages, options, Client).AnsweredHash(answer), []);

    private static List<ChatMessage> FirstTurn() => [new(ChatRole.System, "Be brief."), new(ChatRole.User, "Hi")];

    private static List<ChatMessage> SecondTurn() => [.. FirstTurn(), new(ChatRole.Assistant, "Hello"), new(ChatRole.User, "Again")];

    [Fact]
    public void Create_NextUserMessageAfterTheAnswer_NamesTheProcessThatGaveIt()
    {
        var request = ClaudeCliRequest.Create(SecondTurn(), null, Client);

        Assert.Equal(ParkedAfter(FirstTurn(), "Hello"), request.ContinuationKey);
        Assert.False(request.ContinuesToolCalls);
        Assert.True(request.CanContinue);
    }

    public static TheoryData<string> Changes => ["message", "answer", "system", "model", "tools", "max tokens", "instructions"];

    [Theory]
    [MemberData(nameof(Changes))]
    public void Create_AnyDifferenceFromWhatTheProcessHolds_NamesAnotherProcess(string change)
    {
        var messages = SecondTurn();
        var options = new ChatOptions();
        switch (change)
        {
            case "message":
                messages[1] = new ChatMessage(ChatRole.User, "Hi!");
                break;
            case "answer":
                messages[2] = new ChatMessage(ChatRole.Assistant, "Hello.");
                break;
            case "system":
                messages[0] = new ChatMessage(ChatRole.System, "Be long.");
                break;
            case "model":
                options.ModelId = "opus";
                break;
            case "tools":
                options.Tools = [AIFunctionFactory.Create(() => "x", "get_time")];
                break;
            case "max tokens":
                options.MaxOutputTokens = 100;
                break;
            default:
                options.Instructions = "You are an agent.";
                break;
        }

        var request = ClaudeCliRequest.Create(messages, options, Client);

        Assert.NotNull(request.ContinuationKey);
        Assert.NotEqual(ParkedAfter(FirstTurn(), "Hello"), request.ContinuationKey);
    }

    [Fact]
    public void Create_TwoUserMessagesAfterTheAnswer_NamesNoProcess()
    {
        List<ChatMessage> messages = [.. SecondTurn(), new(ChatRole.User, "And again")];

        Assert.Null(ClaudeCliRequest.Create(messages, null, Client).ContinuationKey);
    }

    [Fact]
    public void Create_FirstTurn_NamesNoProcess()
    {
        Assert.Null(ClaudeCliRequest.Create(FirstTurn(), null, Client).ContinuationKey);
    }

    [Fact]
    public void Create_JsonSchema_NeitherContinuesNorIsParked()
    {
        var schema = JsonDocument.Parse("""{"type":"object"}""").RootElement;

        var request = ClaudeCliRequest.Create(SecondTurn(), new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(schema) }, Client);

        Assert.Null(request.ContinuationKey);
        Assert.False(request.CanContinue);
    }

    [Fact]
    public void Create_ToolResultsForTheLastCalls_NamesTheProcessParkedOnThem()
    {
        var options = new ChatOptions { Tools = [AIFunctionFactory.Create(() => "12:00", "get_time")] };
        List<ChatMessage> asked = [new(ChatRole.User, "Time?")];
        var parkedOn = ClaudeCliConversationKey.Key(ClaudeCliRequest.Create(asked, options, Client).ConversationHash, ["call_1"]);
        List<ChatMessage> answered =
        [
            .. asked,
            new(ChatRole.Assistant, [new FunctionCallContent("call_1", "get_time")]),
            new(ChatRole.Tool, [new FunctionResultContent("call_1", "12:00")]),
        ];

        var request = ClaudeCliRequest.Create(answered, options, Client);

        Assert.Equal(parkedOn, request.ContinuationKey);
        Assert.True(request.ContinuesToolCalls);
        Assert.Equal("12:00", request.ToolResults["call_1"].Result);
    }
}
