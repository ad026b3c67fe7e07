using System.Net;
using System.Text.Json;
using LlmConnectors.TestServers.Anthropic;
using Microsoft.Extensions.AI;

namespace LlmConnectors.IntegrationTests.ClaudeCli;

/// <summary>The real Claude CLI (pinned in tools/node) against a scripted Anthropic backend.</summary>
public sealed class ClaudeCliChatClientTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetResponseAsync_PlainQuestion_ReturnsAnswerUsageAndCostAndSendsNoTools()
    {
        await using var server = await ScriptedAnthropicServer.StartAsync(Ct);
        using var client = new ClaudeCliChatClient(ClaudeCliTestEnvironment.Options(server));

        var response = await client.GetResponseAsync(
            [new(ChatRole.System, "You are terse."), new(ChatRole.User, "Say hi")],
            cancellationToken: Ct);

        Assert.Equal("Hello world", response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal("claude-test-default", response.ModelId);
        Assert.NotNull(response.Usage);
        Assert.Equal(12 + 3 + 4, response.Usage.InputTokenCount);
        Assert.Equal(3, response.Usage.CachedInputTokenCount);
        Assert.Equal(5, response.Usage.OutputTokenCount);
        Assert.True((double)response.AdditionalProperties![ClaudeCliPropertyNames.TotalCostUsd]! > 0);
        Assert.False(string.IsNullOrEmpty((string?)response.AdditionalProperties[ClaudeCliPropertyNames.SessionId]));
        Assert.Contains("claude-test-default", ((IReadOnlyDictionary<string, double>)response.AdditionalProperties[ClaudeCliPropertyNames.ModelUsage]!).Keys);

        var request = Assert.Single(server.Requests);
        Assert.StartsWith("/v1/messages", request.Path, StringComparison.Ordinal);
        Assert.True(request.Stream);
        Assert.Equal("claude-test-default", request.Model);
        Assert.Empty(request.Tools);
        Assert.Contains("You are terse.", request.System);
        Assert.Equal(ClaudeCliTestEnvironment.ApiKey, request.Headers["x-api-key"]);
        var message = Assert.Single(request.ConversationMessages);
        Assert.Equal("Say hi", message.Text);

        // The process that answered waits for the next turn of this conversation until the client is disposed.
        Assert.Equal(1, client.ParkedProcessCount);
        client.Dispose();
        await ClaudeCliTestEnvironment.AssertNoProcessSurvivesAsync(client);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_TextDeltas_ArriveInOrderWithoutTheFinalMessageRepeated()
    {
        await using var server = await ScriptedAnthropicServer.StartAsync(Ct);
        server.Enqueue(ScriptedAnthropicReply.Text("One", ", two", ", three"));
        using var client = new ClaudeCliChatClient(ClaudeCliTestEnvironment.Options(server));

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync([new(ChatRole.User, "Count")], cancellationToken: Ct))
        {
            updates.Add(update);
        }

        Assert.Equal(["One", ", two", ", three"], updates.Where(u => u.Text.Length > 0).Select(u => u.Text));
        var response = updates.ToChatResponse();
        Assert.Equal("One, two, three", response.Text);
        Assert.Equal(5, response.Usage?.OutputTokenCount);
        Assert.Equal(ChatFinishReason.Stop, updates[^1].FinishReason);
    }

    [Fact]
    public async Task GetResponseAsync_MultiTurnHistory_ReachesTheModelAsSeparateMessagesInOrder()
    {
        await using var server = await ScriptedAnthropicServer.StartAsync(Ct);
        using var client = new ClaudeCliChatClient(ClaudeCliTestEnvironment.Options(server));

        _ = await client.GetResponseAsync(
            [
                new(ChatRole.System, "Remember names."),
                new(ChatRole.User, "My name is Bob."),
                new(ChatRole.Assistant, "Hello Bob."),
                new(ChatRole.User, "I live in Lyon."),
                new(ChatRole.Assistant, "Lyon is nice."),
                new(ChatRole.User, "What is my name and city?"),
            ],
            cancellationToken: Ct);

        var request = Assert.Single(server.Requests);
        var conversation = request.ConversationMessages;
        Assert.Equal(["user", "assistant", "user", "assistant", "user"], conversation.Select(m => m.Role));
        Assert.Equal(["My name is Bob.", "Hello Bob.", "I live in Lyon.", "Lyon is nice.", "What is my name and city?"], conversation.Select(m => m.Text));
        Assert.Contains("Remember names.", request.System);
    }

    [Fact]
    public async Task GetResponseAsync_ImageInUserMessage_IsSentAsBase64ImageBlock()
    {
        await using var server = await ScriptedAnthropicServer.StartAsync(Ct);
        using var client = new ClaudeCliChatClient(ClaudeCliTestEnvironment.Options(server));
        var png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");

        _ = await client.GetResponseAsync(
            [new(ChatRole.User, [new TextContent("What is in this picture?"), new DataContent(png, "image/png")])],
            cancellationToken: Ct);

        var message = Assert.Single(Assert.Single(server.Requests).ConversationMessages);
        Assert.True(message.Blocks("image").Count == 1, server.Requests[0].RawJson[..Math.Min(3000, server.Requests[0].RawJson.Length)]);
        var image = Assert.Single(message.Blocks("image"));
        var source = image.GetProperty("source");
        Assert.Equal("base64", source.GetProperty("type").GetString());
        Assert.Equal("image/png", source.GetProperty("media_type").GetString());
        Assert.Equal(png, Convert.FromBase64String(source.GetProperty("data").GetString()!));
        Assert.Equal("What is in this picture?", message.Text);
    }

    [Fact]
    public async Task GetResponseAsync_JsonSchema_ReturnsStructuredOutputAsJson()
    {
        await using var server = await ScriptedAnthropicServer.StartAsync(Ct);
        server.Enqueue(ScriptedAnthropicReply.StructuredOutput("""{"name":"Ada","age":36}"""));
        using var client = new ClaudeCliChatClient(ClaudeCliTestEnvironment.Options(server));
        var schema = JsonDocument.Parse("""{"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer"}},"required":["name","age"]}""").RootElement;

        var response = await client.GetResponseAsync(
            [new(ChatRole.User, "Who wrote the first program?")],
            new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(schema, "person") },
            Ct);

        using var json = JsonDocument.Parse(response.Text);
        Assert.Equal("Ada", json.RootElement.GetProperty("name").GetString());
        Assert.Equal(36, json.RootElement.GetProperty("age").GetInt32());
        var request = server.Requests[0];
        Assert.Contains("StructuredOutput", request.Tools);
        Assert.Contains("\"age\"", request.RawJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_TypedResponseWithMeaiSchema_ReachesTheCliAsStructuredOutput()
    {
        await using var server = await ScriptedAnthropicServer.StartAsync(Ct);
        server.Enqueue(ScriptedAnthropicReply.StructuredOutput("""{"name":"Ada","age":36}"""));
        using var client = new ClaudeCliChatClient(ClaudeCliTestEnvironment.Options(server));

        // MEAI writes "$schema": "https://json-schema.org/draft/2020-12/schema" into the schema of ForJsonSchema<T> (and GetResponseAsync<T>).
        var response = await client.GetResponseAsync(
            [new(ChatRole.User, "Who wrote the first program?")],
            new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema<SchemaPerson>() },
            Ct);

        Assert.Equal(new SchemaPerson("Ada", 36), JsonSerializer.Deserialize<SchemaPerson>(response.Text, JsonSerializerOptions.Web));
        var request = Assert.Single(server.Requests);
        Assert.Contains("StructuredOutput", request.Tools);
        Assert.Contains("\"age\"", request.RawJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_SchemaWithDraft2020MetaSchemaDefsAndRefs_ReachesTheCliAsStructuredOutput()
    {
        await using var server = await ScriptedAnthropicServer.StartAsync(Ct);
        server.Enqueue(ScriptedAnthropicReply.StructuredOutput("""{"owner":{"name":"Ada"}}"""));
        using var client = new ClaudeCliChatClient(ClaudeCliTestEnvironment.Options(server));
        var schema = JsonDocument.Parse("""
            {"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object",
             "properties":{"owner":{"$ref":"#/$defs/person"}},"required":["owner"],
             "$defs":{"person":{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}}}
            """).RootElement;

        var response = await client.GetResponseAsync(
            [new(ChatRole.User, "Who owns it?")],
            new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(schema, "ownership") },
            Ct);

        Assert.Equal("""{"owner":{"name":"Ada"}}""", response.Text);
        var request = Assert.Single(server.Requests);
        Assert.Contains("StructuredOutput", request.Tools);
        Assert.Contains("#/$defs/person", request.RawJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_Instructions_ReachTheModelAsSystemInstructionsBeforeSystemMessages()
    {
        await using var server = await ScriptedAnthropicServer.StartAsync(Ct);
        using var client = new ClaudeCliChatClient(ClaudeCliTestEnvironment.Options(server));

        _ = await client.GetResponseAsync(
            [new(ChatRole.System, "Answer in French."), new(ChatRole.User, "Hi")],
            new ChatOptions { Instructions = "You are the billing agent." },
            Ct);

        var system = Assert.Single(server.Requests).System;
        var instructions = system.ToList().FindIndex(s => s.Contains("You are the billing agent.", StringComparison.Ordinal));
        var french = system.ToList().FindIndex(s => s.Contains("Answer in French.", StringComparison.Ordinal));
        Assert.True(instructions >= 0, $"The instructions are missing from the system prompt: {string.Join(" | ", system)}");
        Assert.True(french >= instructions, "The instructions come before the system messages.");
        Assert.Equal(["Hi"], server.Requests[0].ConversationMessages.Select(m => m.Text));
    }

    [Fact]
    public async Task GetResponseAsync_OtherModelAndSystemPrompt_UsesThemWithoutExtraApiCalls()
    {
        await using var server = await ScriptedAnthropicServer.StartAsync(Ct);
        using var client = new ClaudeCliChatClient(ClaudeCliTestEnvironment.Options(server));

        var response = await client.GetResponseAsync(
            [new(ChatRole.System, "Answer in French."), new(ChatRole.User, "Hi")],
            new ChatOptions { ModelId = "claude-other-model" },
            Ct);

        var request = Assert.Single(server.Requests);
        Assert.Equal("claude-other-model", request.Model);
        Assert.Equal("claude-other-model", response.ModelId);
        Assert.Contains("Answer in French.", request.System);
    }

    [Fact]
    public async Task GetResponseAsync_300KilobytePrompt_ArrivesWhole()
    {
        await using var server = await ScriptedAnthropicServer.StartAsync(Ct);
        using var client = new ClaudeCliChatClient(ClaudeCliTestEnvironment.Options(server));
        var prompt = string.Concat(Enumerable.Repeat("0123456789", 30_000)) + " end";

        var response = await client.GetResponseAsync([new(ChatRole.User, prompt)], cancellationToken: Ct);

        Assert.Equal("Hello world", response.Text);
        Assert.Equal(prompt, Assert.Single(server.Requests[0].ConversationMessages).Text);
    }

    [Theory]
    [InlineData(401, LlmErrorKind.Authentication)]
    [InlineData(429, LlmErrorKind.RateLimited)]
    [InlineData(500, LlmErrorKind.ServerError)]
    [InlineData(529, LlmErrorKind.Unavailable)]
    public async Task GetResponseAsync_BackendError_ThrowsTypedExceptionWithStatus(int status, LlmErrorKind kind)
    {
        await using var server = await ScriptedAnthropicServer.StartAsync(Ct);
        server.Enqueue(ScriptedAnthropicReply.Error((HttpStatusCode)status, "scripted failure"));
        using var client = new ClaudeCliChatClient(ClaudeCliTestEnvironment.Options(server));

        var e = await Assert.ThrowsAsync<ClaudeCliException>(() => client.GetResponseAsync([new(ChatRole.User, "Hi")], cancellationToken: Ct));

        Assert.Equal(kind, e.Kind);
        Assert.Equal((HttpStatusCode)status, e.StatusCode);
        Assert.Equal("claude-code", e.Provider);
        Assert.Contains($"status {status}", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(ClaudeCliTestEnvironment.ApiKey, e.Message, StringComparison.Ordinal);
        Assert.Single(server.Requests);
        if (status == 401)
        {
            Assert.Contains("claude auth login", e.Message, StringComparison.Ordinal);
        }

        await ClaudeCliTestEnvironment.AssertNoProcessSurvivesAsync(client);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_OverloadedThenAnswer_RetriesInANewProcessBeforeTheFirstUpdate()
    {
        await using var server = await ScriptedAnthropicServer.StartAsync(Ct);
        server.Enqueue(ScriptedAnthropicReply.Overloaded(), ScriptedAnthropicReply.Text("after ", "retry"));
        var options = ClaudeCliTestEnvironment.Options(server);
        options.Retry.Enabled = true;
        options.Retry.MaxRetryAttempts = 2;
        options.Retry.BaseDelay = TimeSpan.Zero;
        using var client = new ClaudeCliChatClient(options);

        var text = string.Concat(await client.GetStreamingResponseAsync([new(ChatRole.User, "Hi")], cancellationToken: Ct).Select(u => u.Text).ToListAsync(Ct));

        Assert.Equal("after retry", text);
        Assert.Equal(2, server.Requests.Count);
        client.Dispose();
        await ClaudeCliTestEnvironment.AssertNoProcessSurvivesAsync(client);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_UpstreamBreaksMidStream_FailsInsteadOfEndingTruncated()
    {
        await using var server = await ScriptedAnthropicServer.StartAsync(Ct);
        server.Enqueue(ScriptedAnthropicReply.Text("The first half", " and the second half.") with { BreakAfterDeltas = 1, DelayBetweenDeltas = TimeSpan.FromMilliseconds(300) });
        using var client = new ClaudeCliChatClient(ClaudeCliTestEnvironment.Options(server));

        var received = new List<ChatResponseUpdate>();
        var e = await Assert.ThrowsAsync<ClaudeCliException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync([new(ChatRole.User, "Hi")], cancellationToken: Ct))
            {
                received.Add(update);
            }
        });

        Assert.Equal(LlmErrorKind.Network, e.Kind);
        Assert.StartsWith(string.Concat(received.Select(u => u.Text)), "The first half", StringComparison.Ordinal);
        Assert.DoesNotContain(received, u => u.FinishReason is not null);
        Assert.Single(server.Requests);
        await ClaudeCliTestEnvironment.AssertNoProcessSurvivesAsync(client);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_CliRetriesItselfAndFetchesAnotherAnswerAfterABreak_FailsInsteadOfEndingTruncated()
    {
        await using var server = await ScriptedAnthropicServer.StartAsync(Ct);
        server.Enqueue(ScriptedAnthropicReply.Text("The first half", " and the second half.") with { BreakAfterDeltas = 1, DelayBetweenDeltas = TimeSpan.FromMilliseconds(300) }, ScriptedAnthropicReply.Text("A different answer."));
        var options = ClaudeCliTestEnvironment.Options(server);
        options.EnvironmentVariables["CLAUDE_CODE_MAX_RETRIES"] = "0"; // the CLI still fetches the answer again, without streaming
        using var client = new ClaudeCliChatClient(options);

        var received = new List<ChatResponseUpdate>();
        var e = await Assert.ThrowsAsync<ClaudeCliException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync([new(ChatRole.User, "Hi")], cancellationToken: Ct))
            {
                received.Add(update);
            }
        });

        Assert.Equal(2, server.Requests.Count);
        Assert.Equal("stream_interrupted", e.ErrorCode);
        Assert.Equal("The first half", string.Concat(received.Select(u => u.Text)));
        Assert.DoesNotContain(received, u => u.FinishReason is not null);
        await ClaudeCliTestEnvironment.AssertNoProcessSurvivesAsync(client);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_CliRetriesItselfAndFetchesTheSameAnswerAfterABreak_SendsTheRestBeforeStop()
    {
        await using var server = await ScriptedAnthropicServer.StartAsync(Ct);
        server.Enqueue(ScriptedAnthropicReply.Text("The first half", " and the second half.") with { BreakAfterDeltas = 1, DelayBetweenDeltas = TimeSpan.FromMilliseconds(300) }, ScriptedAnthropicReply.Text("The first half", " and the second half."));
        var options = ClaudeCliTestEnvironment.Options(server);
        options.EnvironmentVariables["CLAUDE_CODE_MAX_RETRIES"] = "0";
        using var client = new ClaudeCliChatClient(options);

        var updates = await client.GetStreamingResponseAsync([new(ChatRole.User, "Hi")], cancellationToken: Ct).ToListAsync(Ct);

        Assert.Equal(2, server.Requests.Count);
        Assert.Equal("The first half and the second half.", string.Concat(updates.Select(u => u.Text)));
        Assert.Equal(ChatFinishReason.Stop, updates[^1].FinishReason);
    }

    [Fact]
    public async Task GetResponseAsync_RateLimitedWithRetryAfterBeyondTheRetryBudget_FailsAfterOneCallWithTheUpstreamDelay()
    {
        await using var server = await ScriptedAnthropicServer.StartAsync(Ct);
        server.DefaultReply = _ => ScriptedAnthropicReply.Error(HttpStatusCode.TooManyRequests, "slow down", retryAfterSeconds: 30);
        var options = ClaudeCliTestEnvironment.Options(server);
        options.Retry.Enabled = true;
        options.Retry.MaxRetryAttempts = 3;
        options.Retry.BaseDelay = TimeSpan.Zero;
        options.Retry.MaxDelay = TimeSpan.FromSeconds(30);
        using var client = new ClaudeCliChatClient(options);

        var e = await Assert.ThrowsAsync<ClaudeCliException>(() => client.GetResponseAsync([new(ChatRole.User, "Hi")], cancellationToken: Ct));

        Assert.Equal(LlmErrorKind.RateLimited, e.Kind);
        Assert.Equal(HttpStatusCode.TooManyRequests, e.StatusCode);
        Assert.NotNull(e.RetryAfter);
        Assert.True(e.RetryAfter >= TimeSpan.FromSeconds(30), $"RetryAfter {e.RetryAfter} is shorter than the upstream's 30 s.");
        Assert.Single(server.Requests);
        await ClaudeCliTestEnvironment.AssertNoProcessSurvivesAsync(client);
    }

    [Fact]
    public async Task GetResponseAsync_RateLimitedWithShortRetryAfter_RetriesOnceInANewProcess()
    {
        await using var server = await ScriptedAnthropicServer.StartAsync(Ct);
        server.Enqueue(ScriptedAnthropicReply.Error(HttpStatusCode.TooManyRequests, "slow down", retryAfterSeconds: 1));
        var options = ClaudeCliTestEnvironment.Options(server);
        options.Retry.Enabled = true;
        options.Retry.BaseDelay = TimeSpan.Zero;
        using var client = new ClaudeCliChatClient(options);

        var response = await client.GetResponseAsync([new(ChatRole.User, "Hi")], cancellationToken: Ct);

        Assert.Equal("Hello world", response.Text);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task GetResponseAsync_ModelWantsMoreTurnsThanAllowed_IsNotBlamedOnTheRequest()
    {
        await using var server = await ScriptedAnthropicServer.StartAsync(Ct);

        // A tool call with no tool to run: the CLI answers it and needs a second turn, past --max-turns 1.
        server.Enqueue(ScriptedAnthropicReply.StructuredOutput("""{"x":1}"""));
        using var client = new ClaudeCliChatClient(ClaudeCliTestEnvironment.Options(server));

        var e = await Assert.ThrowsAsync<ClaudeCliException>(() => client.GetResponseAsync([new(ChatRole.User, "Hi")], cancellationToken: Ct));

        Assert.Equal("error_max_turns", e.ErrorCode);
        Assert.NotEqual(LlmErrorKind.InvalidRequest, e.Kind);
        Assert.Equal(LlmErrorKind.ServerError, e.Kind);
        Assert.Contains("ClaudeCli:MaxTurns", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_NoCredentials_ThrowsAuthenticationSayingHowToLogIn()
    {
        await using var server = await ScriptedAnthropicServer.StartAsync(Ct);
        var options = ClaudeCliTestEnvironment.Options(server);
        options.EnvironmentVariables["ANTHROPIC_API_KEY"] = null;
        using var client = new ClaudeCliChatClient(options);

        var e = await Assert.ThrowsAsync<ClaudeCliException>(() => client.GetResponseAsync([new(ChatRole.User, "Hi")], cancellationToken: Ct));

        Assert.Equal(LlmErrorKind.Authentication, e.Kind);
        Assert.Contains("claude auth login", e.Message, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task GetResponseAsync_BackendHangs_TimesOutAndKillsTheProcess()
    {
        await using var server = await ScriptedAnthropicServer.StartAsync(Ct);
        server.Enqueue(ScriptedAnthropicReply.Hang());
        var options = ClaudeCliTestEnvironment.Options(server);
        options.RequestTimeout = TimeSpan.FromSeconds(4);
        using var client = new ClaudeCliChatClient(options);

        var e = await Assert.ThrowsAsync<ClaudeCliException>(() => client.GetResponseAsync([new(ChatRole.User, "Hi")], cancellationToken: Ct));

        Assert.Equal(LlmErrorKind.Timeout, e.Kind);
        Assert.Contains("ClaudeCli:RequestTimeout", e.Message, StringComparison.Ordinal);
        await ClaudeCliTestEnvironment.AssertNoProcessSurvivesAsync(client);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_CancelledMidStream_KillsTheProcess()
    {
        await using var server = await ScriptedAnthropicServer.StartAsync(Ct);
        server.Enqueue(ScriptedAnthropicReply.Text("first", " second", " third", " fourth") with { DelayBetweenDeltas = TimeSpan.FromSeconds(2) });
        using var client = new ClaudeCliChatClient(ClaudeCliTestEnvironment.Options(server));
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var received = new List<string>();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync([new(ChatRole.User, "Talk slowly")], cancellationToken: cts.Token))
            {
                received.Add(update.Text);
                await cts.CancelAsync();
            }
        });

        Assert.Equal(["first"], received);
        await ClaudeCliTestEnvironment.AssertNoProcessSurvivesAsync(client);
    }

    [Fact]
    public async Task GetResponseAsync_WarmPool_ServesRequestsFromStartedProcessesWhateverTheirSettings()
    {
        await using var server = await ScriptedAnthropicServer.StartAsync(Ct);
        var options = ClaudeCliTestEnvironment.Options(server);
        options.WarmPoolSize = 2;
        var client = new ClaudeCliChatClient(options);
        try
        {
            await client.WarmUpAsync(Ct);
            Assert.Equal(2, client.WarmProcessCount);

            var first = await client.GetResponseAsync([new(ChatRole.User, "Hi")], cancellationToken: Ct);
            var second = await client.GetResponseAsync(
                [new(ChatRole.System, "Be brief."), new(ChatRole.User, "Hi again")],
                new ChatOptions { ModelId = "claude-other-model" },
                Ct);

            Assert.Equal(true, first.AdditionalProperties![ClaudeCliPropertyNames.WarmStart]);
            Assert.Equal(true, second.AdditionalProperties![ClaudeCliPropertyNames.WarmStart]);
            Assert.Equal("claude-other-model", server.Requests[1].Model);
            Assert.Contains("Be brief.", server.Requests[1].System);
            Assert.DoesNotContain("Be brief.", server.Requests[0].System);
            await client.WarmUpAsync(Ct);
        }
        finally
        {
            client.Dispose();
        }

        await ClaudeCliTestEnvironment.AssertNoProcessSurvivesAsync(client);
    }

    [Fact]
    public async Task GetResponseAsync_WarmPool_StartsProcessesWithTheLatestModelAndNeverServesTheDefaultModelFromThem()
    {
        await using var server = await ScriptedAnthropicServer.StartAsync(Ct);
        var options = ClaudeCliTestEnvironment.Options(server);
        options.ModelId = null;
        options.WarmPoolSize = 2;
        var client = new ClaudeCliChatClient(options);
        try
        {
            await client.WarmUpAsync(Ct);
            var withModel = new ChatOptions { ModelId = "claude-model-a" };
            _ = await client.GetResponseAsync([new(ChatRole.User, "One")], withModel, Ct);
            await client.WarmUpAsync(Ct);
            _ = await client.GetResponseAsync([new(ChatRole.User, "Two")], withModel, Ct);
            await client.WarmUpAsync(Ct);

            // Every waiting process now started with claude-model-a; a request for the CLI's default model must not take one.
            var defaultModel = await client.GetResponseAsync([new(ChatRole.User, "Three")], cancellationToken: Ct);
            await client.WarmUpAsync(Ct);
            var defaultAgain = await client.GetResponseAsync([new(ChatRole.User, "Four")], cancellationToken: Ct);

            Assert.Equal(["claude-model-a", "claude-model-a"], server.Requests.Take(2).Select(r => r.Model));
            Assert.NotEqual("claude-model-a", server.Requests[2].Model);
            Assert.Equal(server.Requests[2].Model, server.Requests[3].Model);
            Assert.Equal(false, defaultModel.AdditionalProperties![ClaudeCliPropertyNames.WarmStart]);
            Assert.Equal(true, defaultAgain.AdditionalProperties![ClaudeCliPropertyNames.WarmStart]);
        }
        finally
        {
            client.Dispose();
        }

        await ClaudeCliTestEnvironment.AssertNoProcessSurvivesAsync(client);
    }

    [Fact]
    public async Task GetResponseAsync_PoolStillStarting_WaitsForThePoolsProcessInsteadOfStartingAnother()
    {
        await using var server = await ScriptedAnthropicServer.StartAsync(Ct);
        var options = ClaudeCliTestEnvironment.Options(server);
        options.WarmPoolSize = 1;
        var client = new ClaudeCliChatClient(options);
        try
        {
            // The constructor started the pool's process; it takes about a third of a second to be ready.
            Assert.Equal(0, client.WarmProcessCount);
            var response = await client.GetResponseAsync([new(ChatRole.User, "Hi")], cancellationToken: Ct);

            // Served by the pool's process (a cold start would say WarmStart false).
            Assert.Equal("Hello world", response.Text);
            Assert.Equal(true, response.AdditionalProperties![ClaudeCliPropertyNames.WarmStart]);
        }
        finally
        {
            client.Dispose();
        }

        await ClaudeCliTestEnvironment.AssertNoProcessSurvivesAsync(client);
    }

    [Fact]
    public async Task GetResponseAsync_NoSystemMessage_SendsOnlyTheMinimalSystemPromptThatASystemMessageExtends()
    {
        await using var server = await ScriptedAnthropicServer.StartAsync(Ct);
        var options = ClaudeCliTestEnvironment.Options(server);
        options.WarmPoolSize = 1;
        using var client = new ClaudeCliChatClient(options);
        await client.WarmUpAsync(Ct);

        _ = await client.GetResponseAsync([new(ChatRole.User, "Hi")], cancellationToken: Ct);
        await client.WarmUpAsync(Ct);
        _ = await client.GetResponseAsync([new(ChatRole.System, "Answer in French."), new(ChatRole.User, "Hi")], cancellationToken: Ct);

        // Without a system message the process runs on the empty system prompt it started with (no 'initialize' round trip),
        // not on Claude Code's own agent prompt: adding a system message adds exactly that text and nothing else changes.
        var without = server.Requests[0].System;
        var with = server.Requests[1].System;
        Assert.Equal([.. without.Skip(1), "Answer in French."], with.Skip(1));
        Assert.DoesNotContain(without, s => s.Contains("Answer in French.", StringComparison.Ordinal));
        Assert.True(string.Join('\n', without.Skip(1)).Length < 200, $"Unexpected system prompt: {string.Join('\n', without)}");
    }

    [Fact]
    public async Task GetResponseAsync_QueueFull_FailsAtOnceWithRateLimitedQueueFull()
    {
        await using var server = await ScriptedAnthropicServer.StartAsync(Ct);
        server.Enqueue(ScriptedAnthropicReply.Hang());
        var options = ClaudeCliTestEnvironment.Options(server);
        options.MaxConcurrency = 1;
        options.MaxQueueLength = 0;
        using var client = new ClaudeCliChatClient(options);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var running = client.GetResponseAsync([new(ChatRole.User, "Hang")], cancellationToken: cts.Token);
        var e = await Assert.ThrowsAsync<ClaudeCliException>(() => client.GetResponseAsync([new(ChatRole.User, "Second")], cancellationToken: Ct));

        Assert.Equal(LlmErrorKind.RateLimited, e.Kind);
        Assert.Equal("queue_full", e.ErrorCode);
        Assert.Contains("ClaudeCli:MaxConcurrency", e.Message, StringComparison.Ordinal);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        await ClaudeCliTestEnvironment.AssertNoProcessSurvivesAsync(client);
    }

    [Fact]
    public async Task GetResponseAsync_QueuedRequestCancelled_ThrowsWithoutStartingAProcess()
    {
        await using var server = await ScriptedAnthropicServer.StartAsync(Ct);
        server.Enqueue(ScriptedAnthropicReply.Hang());
        var options = ClaudeCliTestEnvironment.Options(server);
        options.MaxConcurrency = 1;
        using var client = new ClaudeCliChatClient(options);
        using var first = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        using var second = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var running = client.GetResponseAsync([new(ChatRole.User, "Hang")], cancellationToken: first.Token);
        var queued = client.GetResponseAsync([new(ChatRole.User, "Wait")], cancellationToken: second.Token);
        Assert.Equal(1, client.QueueLength);
        await second.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued);
        Assert.Equal(0, client.QueueLength);
        Assert.Single(ClaudeCliTestEnvironment.ProcessesWithHome(options.EnvironmentVariables["HOME"]!));
        await first.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        await ClaudeCliTestEnvironment.AssertNoProcessSurvivesAsync(client);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_JsonSchema_YieldsTheStructuredOutputOnce()
    {
        await using var server = await ScriptedAnthropicServer.StartAsync(Ct);
        server.Enqueue(ScriptedAnthropicReply.StructuredOutput("""{"ok":true}"""));
        using var client = new ClaudeCliChatClient(ClaudeCliTestEnvironment.Options(server));
        var schema = JsonDocument.Parse("""{"type":"object","properties":{"ok":{"type":"boolean"}},"required":["ok"]}""").RootElement;

        var updates = await client.GetStreamingResponseAsync(
            [new(ChatRole.User, "Is it ok?")],
            new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(schema) },
            Ct).ToListAsync(Ct);

        Assert.Equal("""{"ok":true}""", Assert.Single(updates, u => u.Text.Length > 0).Text);
    }

    [Fact]
    public async Task GetResponseAsync_ExecutablePrintsGarbage_ThrowsProtocolError()
    {
        using var client = new ClaudeCliChatClient(ClaudeCliTestEnvironment.Options(null, ClaudeCliTestEnvironment.FakeExecutable("echo 'this is not json'\nsleep 30")));

        var e = await Assert.ThrowsAsync<ClaudeCliException>(() => client.GetResponseAsync([new(ChatRole.User, "Hi")], cancellationToken: Ct));

        Assert.Equal(LlmErrorKind.ProtocolError, e.Kind);
        Assert.Contains("this is not json", e.Message, StringComparison.Ordinal);
        await ClaudeCliTestEnvironment.AssertNoProcessSurvivesAsync(client);
    }

    [Fact]
    public async Task GetResponseAsync_ExecutableExitsWithOne_ThrowsProcessFailedWithExitCodeAndStandardError()
    {
        using var client = new ClaudeCliChatClient(ClaudeCliTestEnvironment.Options(null, ClaudeCliTestEnvironment.FakeExecutable("echo 'fatal: something broke' >&2\nexit 1")));

        var e = await Assert.ThrowsAsync<ClaudeCliException>(() => client.GetResponseAsync([new(ChatRole.User, "Hi")], cancellationToken: Ct));

        Assert.Equal(LlmErrorKind.ProcessFailed, e.Kind);
        Assert.Equal(1, e.ExitCode);
        Assert.Contains("fatal: something broke", e.StandardErrorTail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_MissingExecutable_ThrowsNotInstalledSayingHowToInstall()
    {
        using var client = new ClaudeCliChatClient(ClaudeCliTestEnvironment.Options(null, "/nonexistent/claude-" + Guid.NewGuid().ToString("N")));

        var e = await Assert.ThrowsAsync<ClaudeCliException>(() => client.GetResponseAsync([new(ChatRole.User, "Hi")], cancellationToken: Ct));

        Assert.Equal(LlmErrorKind.NotInstalled, e.Kind);
        Assert.Contains("npm install -g @anthropic-ai/claude-code", e.Message, StringComparison.Ordinal);
        Assert.Contains("ClaudeCli:ExecutablePath", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetCliInfoAsync_PinnedCli_ReportsVersionAndCredentialsWithoutCallingTheModel()
    {
        await using var server = await ScriptedAnthropicServer.StartAsync(Ct);
        using var client = new ClaudeCliChatClient(ClaudeCliTestEnvironment.Options(server));

        var info = await client.GetCliInfoAsync(Ct);

        Assert.True(info.IsInstalled);
        Assert.Equal("2.1.330", info.Version);
        Assert.True(info.IsLoggedIn);
        Assert.Equal("api_key", info.AuthMethod);
        Assert.Null(info.Problem);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task GetCliInfoAsync_NoCredentials_ReportsNotLoggedInWithHowToLogIn()
    {
        var options = ClaudeCliTestEnvironment.Options(null);
        options.EnvironmentVariables["ANTHROPIC_API_KEY"] = null;
        using var client = new ClaudeCliChatClient(options);

        var info = await client.GetCliInfoAsync(Ct);

        Assert.True(info.IsInstalled);
        Assert.False(info.IsLoggedIn);
        Assert.Contains("claude auth login", info.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetCliInfoAsync_OtherProgram_SaysItIsNotTheClaudeCli()
    {
        using var client = new ClaudeCliChatClient(ClaudeCliTestEnvironment.Options(null, ClaudeCliTestEnvironment.FakeExecutable("echo 'usage: something else'")));

        var info = await client.GetCliInfoAsync(Ct);

        Assert.False(info.IsInstalled);
        Assert.Contains("does not look like the Claude Code CLI", info.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetCliInfoAsync_MissingExecutable_SaysHowToInstall()
    {
        using var client = new ClaudeCliChatClient(ClaudeCliTestEnvironment.Options(null, "/nonexistent/claude"));

        var info = await client.GetCliInfoAsync(Ct);

        Assert.False(info.IsInstalled);
        Assert.Contains("npm install -g @anthropic-ai/claude-code", info.Problem, StringComparison.Ordinal);
    }
}
