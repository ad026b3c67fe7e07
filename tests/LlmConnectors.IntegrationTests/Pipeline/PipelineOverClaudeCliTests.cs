using System.Text.Json;
using LlmConnectors.IntegrationTests.ClaudeCli;
using LlmConnectors.TestServers.Anthropic;
using Microsoft.Extensions.AI;

namespace LlmConnectors.IntegrationTests.Pipeline;

/// <summary>
/// The whole middleware pipeline over the real Claude CLI and the scripted Anthropic backend: JSON enforcement and retry with
/// validation turn a first invalid answer into a valid one by asking the model again.
/// </summary>
public sealed class PipelineOverClaudeCliTests
{
    [Fact]
    public async Task GetResponseAsync_FirstAnswerInvalidJson_RetryReasksAndReturnsCleanJson()
    {
        await using var server = await ScriptedAnthropicServer.StartAsync(TestContext.Current.CancellationToken);
        server.Enqueue(
            ScriptedAnthropicReply.Text("Sure! Here is the city: {\"city\": \"Paris\", \"country\": "),
            ScriptedAnthropicReply.Text("```json\n{\"city\": \"Paris\", \"country\": \"France\"}\n```\nAnything else?"));
        using var leaf = new ClaudeCliChatClient(ClaudeCliTestEnvironment.Options(server));
        using var client = leaf.AsBuilder()
            .UseRetryWithValidation([ChatResponseValidators.NotEmpty()], configure: c => c.MaxAttempts = 3)
            .UseJsonEnforcement()
            .UseMultimodalPreprocessing()
            .Build();

        var response = await client.GetResponseAsync(
            [new(ChatRole.System, "You are a geography assistant."), new(ChatRole.User, "Which city is the capital of France?")],
            new ChatOptions { ResponseFormat = ChatResponseFormat.Json },
            TestContext.Current.CancellationToken);

        // The caller gets the clean JSON, and knows it took two attempts whose usage is summed.
        Assert.Equal("{\"city\": \"Paris\", \"country\": \"France\"}", response.Text);
        using (var parsed = JsonDocument.Parse(response.Text))
        {
            Assert.Equal("France", parsed.RootElement.GetProperty("country").GetString());
        }

        Assert.Equal(2, response.AdditionalProperties?[ValidationResponseProperties.Attempts]);
        var perAttempt = Assert.IsType<UsageDetails?[]>(response.AdditionalProperties?[ValidationResponseProperties.AttemptUsage]);
        Assert.Equal(2, perAttempt.Length);
        Assert.True(perAttempt[0]!.InputTokenCount > 0);
        Assert.Equal(perAttempt[0]!.InputTokenCount + perAttempt[1]!.InputTokenCount, response.Usage!.InputTokenCount);
        Assert.Equal(perAttempt[0]!.OutputTokenCount + perAttempt[1]!.OutputTokenCount, response.Usage.OutputTokenCount);

        // What the CLI really sent: the JSON instruction (the CLI has no native json_object), no tools, and on the second request
        // the failed answer followed by the validation errors.
        Assert.Equal(2, server.Requests.Count);
        var first = server.Requests[0];
        var second = server.Requests[1];
        Assert.Empty(first.Tools);
        Assert.Contains(first.System, s => s.Contains("You are a geography assistant.", StringComparison.Ordinal));
        Assert.Contains(first.System, s => s.Contains("JSON", StringComparison.Ordinal));

        var conversation = second.ConversationMessages;
        Assert.Equal(["user", "assistant", "user"], conversation.Select(m => m.Role));
        Assert.Contains("Which city is the capital of France?", conversation[0].Text, StringComparison.Ordinal);
        Assert.Contains("Sure! Here is the city", conversation[1].Text, StringComparison.Ordinal);
        Assert.StartsWith("Your previous answer was rejected for these reasons:", conversation[2].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_FirstAnswerInvalid_YieldsOnlyTheValidatedAnswer()
    {
        await using var server = await ScriptedAnthropicServer.StartAsync(TestContext.Current.CancellationToken);
        server.Enqueue(
            ScriptedAnthropicReply.Text("I cannot answer in JSON, sorry."),
            ScriptedAnthropicReply.Text("{\"answer\": ", "42}"));
        using var leaf = new ClaudeCliChatClient(ClaudeCliTestEnvironment.Options(server));
        using var client = leaf.AsBuilder()
            .UseRetryWithValidation()
            .UseJsonEnforcement()
            .Build();

        var text = new System.Text.StringBuilder();
        await foreach (var update in client.GetStreamingResponseAsync(
            "What is the answer? Reply in JSON.", new ChatOptions { ResponseFormat = ChatResponseFormat.Json }, TestContext.Current.CancellationToken))
        {
            text.Append(update.Text);
        }

        Assert.Equal("{\"answer\": 42}", text.ToString());
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task GetResponseAsync_EveryAttemptInvalid_ThrowsWithEachAttempt()
    {
        await using var server = await ScriptedAnthropicServer.StartAsync(TestContext.Current.CancellationToken);
        server.DefaultReply = _ => ScriptedAnthropicReply.Text("no JSON here");
        using var leaf = new ClaudeCliChatClient(ClaudeCliTestEnvironment.Options(server));
        using var client = leaf.AsBuilder()
            .UseRetryWithValidation(configure: c => c.MaxAttempts = 2)
            .UseJsonEnforcement()
            .Build();

        var ex = await Assert.ThrowsAsync<ValidationRetriesExhaustedException>(() => client.GetResponseAsync(
            "Give me JSON.", new ChatOptions { ResponseFormat = ChatResponseFormat.Json }, TestContext.Current.CancellationToken));

        Assert.Equal(2, ex.Attempts.Count);
        Assert.Equal(2, server.Requests.Count);
        Assert.True(ex.Usage?.InputTokenCount > 0);
    }
}
