using System.Net;
using Microsoft.Extensions.AI;

namespace LlmConnectors.Tests.Validation;

public class RetryWithValidationChatClientTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static UsageDetails Usage(long input, long output) => new() { InputTokenCount = input, OutputTokenCount = output, TotalTokenCount = input + output };

    private static RetryWithValidationChatClient Client(ScriptedChatClient inner, params IChatResponseValidator[] validators) => new(inner, validators);

    private static string RetryText(params string[] errors) =>
        "Your previous answer was rejected for these reasons:\n" + string.Concat(errors.Select(e => $"- {e}\n")) +
        "Answer again: reply with the complete corrected answer only.";

    [Fact]
    public void Constructor_ValidatesArguments()
    {
        Assert.Throws<ArgumentNullException>("innerClient", () => new RetryWithValidationChatClient(null!));
        Assert.Throws<ArgumentException>("validators", () => new RetryWithValidationChatClient(new ScriptedChatClient(), [null!]));
        using var client = new RetryWithValidationChatClient(new ScriptedChatClient());
        Assert.Equal(3, client.MaxAttempts);
        Assert.Throws<ArgumentOutOfRangeException>("MaxAttempts", () => client.MaxAttempts = 0);
    }

    [Fact]
    public async Task GetResponseAsync_FirstAnswerValid_OneCallAttemptCountOne()
    {
        var usage = Usage(10, 2);
        var inner = new ScriptedChatClient().EnqueueText("OK", usage);
        using var client = Client(inner, ChatResponseValidators.NotEmpty());
        ChatMessage[] messages = [new(ChatRole.User, "hi")];
        var options = new ChatOptions();

        var response = await client.GetResponseAsync(messages, options, Ct);

        Assert.Equal("OK", response.Text);
        Assert.Single(inner.Calls);
        Assert.Same(options, inner.Calls[0].Options);
        Assert.Same(usage, response.Usage);
        Assert.Equal(1, response.AdditionalProperties![ValidationResponseProperties.Attempts]);
        Assert.Equal([usage], (UsageDetails?[])response.AdditionalProperties[ValidationResponseProperties.AttemptUsage]!);
    }

    [Fact]
    public async Task GetResponseAsync_InvalidThenValid_ReasksWithExactMessages()
    {
        var inner = new ScriptedChatClient().EnqueueText("way too long answer").EnqueueText("short");
        using var client = Client(inner, ChatResponseValidators.MaxLength(10));
        List<ChatMessage> messages = [new(ChatRole.System, "sys"), new(ChatRole.User, "Say something short")];

        var response = await client.GetResponseAsync(messages, cancellationToken: Ct);

        Assert.Equal("short", response.Text);
        Assert.Equal(2, inner.Calls.Count);
        var second = inner.Calls[1].Messages;
        Assert.Equal(4, second.Count);
        Assert.Equal("sys", second[0].Text);
        Assert.Equal("Say something short", second[1].Text);
        Assert.Equal(ChatRole.Assistant, second[2].Role);
        Assert.Equal("way too long answer", second[2].Text);
        Assert.Equal(ChatRole.User, second[3].Role);
        Assert.Equal(
            "Your previous answer was rejected for these reasons:\n- the answer must be at most 10 characters long, got 19; shorten it\nAnswer again: reply with the complete corrected answer only.",
            second[3].Text);
        Assert.Equal(2, messages.Count);
        Assert.Equal(2, response.AdditionalProperties![ValidationResponseProperties.Attempts]);
    }

    [Fact]
    public async Task GetResponseAsync_Retries_SumsUsageWithPerAttemptDetail()
    {
        var u1 = Usage(100, 10);
        var u2 = Usage(130, 12);
        var u3 = Usage(160, 8);
        var inner = new ScriptedChatClient().EnqueueText("", u1).EnqueueText(" ", u2).EnqueueText("fine", u3);
        using var client = Client(inner, ChatResponseValidators.NotEmpty());

        var response = await client.GetResponseAsync("q", cancellationToken: Ct);

        Assert.Equal(390, response.Usage!.InputTokenCount);
        Assert.Equal(30, response.Usage.OutputTokenCount);
        Assert.Equal(420, response.Usage.TotalTokenCount);
        Assert.Equal([u1, u2, u3], (UsageDetails?[])response.AdditionalProperties![ValidationResponseProperties.AttemptUsage]!);
        Assert.Equal(3, response.AdditionalProperties[ValidationResponseProperties.Attempts]);
    }

    [Fact]
    public async Task GetResponseAsync_EmptyFailedAnswer_IsNotRepeatedButErrorIs()
    {
        var inner = new ScriptedChatClient().EnqueueText("").EnqueueText("ok");
        using var client = Client(inner, ChatResponseValidators.NotEmpty());

        await client.GetResponseAsync("q", cancellationToken: Ct);

        var second = inner.Calls[1].Messages;
        Assert.Equal(2, second.Count);
        Assert.Equal(RetryText(NotEmptyResponseValidator.ErrorMessage), second[1].Text);
    }

    [Fact]
    public async Task GetResponseAsync_AllAttemptsFail_ThrowsExhaustedWithEveryAttempt()
    {
        var inner = new ScriptedChatClient().EnqueueText("a1", Usage(1, 1)).EnqueueText("a2", Usage(2, 2)).EnqueueText("a3", Usage(3, 3));
        using var client = Client(inner, ChatResponseValidators.Regex("^OK$", errorMessage: "reply with OK"));

        var ex = await Assert.ThrowsAsync<ValidationRetriesExhaustedException>(() => client.GetResponseAsync("q", cancellationToken: Ct));

        Assert.Equal(3, inner.Calls.Count);
        Assert.Equal([1, 2, 3], ex.Attempts.Select(a => a.AttemptNumber));
        Assert.Equal(["a1", "a2", "a3"], ex.Attempts.Select(a => a.Response.Text));
        Assert.All(ex.Attempts, a => Assert.Equal(["reply with OK"], a.Errors));
        Assert.Equal(6, ex.Usage!.InputTokenCount);
        Assert.Equal(6, ex.Usage.OutputTokenCount);
        Assert.Equal(3, ex.Attempts[2].Usage!.InputTokenCount);
        Assert.False(ex.IsTransient);
        Assert.Contains("3 attempt(s)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("reply with OK", ex.Message, StringComparison.Ordinal);
        Assert.Contains("MaxAttempts", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_MaxAttemptsOne_NoRetry()
    {
        var inner = new ScriptedChatClient().EnqueueText("bad");
        using var client = Client(inner, ChatResponseValidators.Regex("^OK$"));
        client.MaxAttempts = 1;

        var ex = await Assert.ThrowsAsync<ValidationRetriesExhaustedException>(() => client.GetResponseAsync("q", cancellationToken: Ct));

        Assert.Single(ex.Attempts);
        Assert.Equal(["the answer must match the regular expression ^OK$"], ex.Attempts[0].Errors);
        Assert.Null(ex.Usage);
    }

    [Fact]
    public async Task GetResponseAsync_FullHistory_KeepsEveryFailedAttempt()
    {
        var inner = new ScriptedChatClient().EnqueueText("a1").EnqueueText("a2").EnqueueText("OK");
        using var client = Client(inner, ChatResponseValidators.Regex("^OK$", errorMessage: "say OK"));

        await client.GetResponseAsync("q", cancellationToken: Ct);

        Assert.Equal(["q", "a1", RetryText("say OK"), "a2", RetryText("say OK")], inner.Calls[2].Messages.Select(m => m.Text));
    }

    [Fact]
    public async Task GetResponseAsync_KeepOnlyLastFailedAttempt_BoundsHistory()
    {
        var inner = new ScriptedChatClient().EnqueueText("a1").EnqueueText("a2").EnqueueText("a3").EnqueueText("OK");
        using var client = Client(inner, ChatResponseValidators.Regex("^OK$", errorMessage: "say OK"));
        client.KeepOnlyLastFailedAttempt = true;
        client.MaxAttempts = 4;

        await client.GetResponseAsync("q", cancellationToken: Ct);

        Assert.Equal(["q", "a1", RetryText("say OK")], inner.Calls[1].Messages.Select(m => m.Text));
        Assert.Equal(["q", "a2", RetryText("say OK")], inner.Calls[2].Messages.Select(m => m.Text));
        Assert.Equal(["q", "a3", RetryText("say OK")], inner.Calls[3].Messages.Select(m => m.Text));
    }

    [Fact]
    public async Task GetResponseAsync_StopAtFirstFailure_ReportsOnlyFirstValidator()
    {
        var inner = new ScriptedChatClient().EnqueueText("abcdef").EnqueueText("abcdef").EnqueueText("OK");
        using var client = Client(inner, ChatResponseValidators.Regex("^OK$", errorMessage: "say OK"), ChatResponseValidators.MaxLength(3));

        await client.GetResponseAsync("q", cancellationToken: Ct);
        Assert.Equal(RetryText("say OK"), inner.Calls[1].Messages[^1].Text);

        client.StopAtFirstFailure = false;
        inner.EnqueueText("abcdef").EnqueueText("OK");
        await client.GetResponseAsync("q", cancellationToken: Ct);
        Assert.Equal(RetryText("say OK", "the answer must be at most 3 characters long, got 6; shorten it"), inner.Calls[4].Messages[^1].Text);
    }

    [Fact]
    public async Task GetResponseAsync_RetryMessageFactory_ReplacesText()
    {
        var inner = new ScriptedChatClient().EnqueueText("bad").EnqueueText("OK");
        using var client = Client(inner, ChatResponseValidators.Regex("^OK$", errorMessage: "say OK"));
        client.RetryMessageFactory = errors => "Fix: " + string.Join(",", errors);

        await client.GetResponseAsync("q", cancellationToken: Ct);

        Assert.Equal("Fix: say OK", inner.Calls[1].Messages[^1].Text);
    }

    [Fact]
    public async Task GetResponseAsync_TransportError_PropagatesWithoutRetry()
    {
        var transport = new LlmConnectorException("server error", LlmErrorKind.ServerError, "openrouter", HttpStatusCode.InternalServerError);
        var inner = new ScriptedChatClient().EnqueueException(transport).EnqueueText("OK");
        using var client = Client(inner, ChatResponseValidators.NotEmpty());

        var ex = await Assert.ThrowsAsync<LlmConnectorException>(() => client.GetResponseAsync("q", cancellationToken: Ct));

        Assert.Same(transport, ex);
        Assert.Single(inner.Calls);
    }

    [Fact]
    public async Task GetResponseAsync_JsonEnforcementException_IsRetriedWithItsErrors()
    {
        var failed = new ChatResponse(new ChatMessage(ChatRole.Assistant, "not json")) { Usage = Usage(5, 5) };
        var inner = new ScriptedChatClient()
            .EnqueueException(new JsonEnforcementException(JsonEnforcementFailureKind.InvalidJson, "not json", ["the response does not contain a JSON object or array"], failed))
            .EnqueueText("{}", Usage(7, 1));
        using var client = Client(inner);

        var response = await client.GetResponseAsync("q", cancellationToken: Ct);

        Assert.Equal("{}", response.Text);
        Assert.Equal(["q", "not json", RetryText("the response does not contain a JSON object or array")], inner.Calls[1].Messages.Select(m => m.Text));
        Assert.Equal(12, response.Usage!.InputTokenCount);
    }

    [Fact]
    public async Task GetResponseAsync_JsonEnforcementRetryDisabled_Propagates()
    {
        var inner = new ScriptedChatClient().EnqueueException(new JsonEnforcementException(JsonEnforcementFailureKind.InvalidJson, "x", ["e"]));
        using var client = Client(inner);
        client.RetryOnJsonEnforcementFailure = false;

        await Assert.ThrowsAsync<JsonEnforcementException>(() => client.GetResponseAsync("q", cancellationToken: Ct));
    }

    [Fact]
    public async Task GetResponseAsync_WithJsonEnforcementInPipeline_FixesFirstInvalidAnswer()
    {
        var inner = new ScriptedChatClient()
            .EnqueueText("Sure! {\"name\": \"Ada\", }", Usage(50, 10))
            .EnqueueText("```json\n{\"name\":\"Ada\"}\n```", Usage(80, 8));
        var client = inner.AsBuilder()
            .UseRetryWithValidation([ChatResponseValidators.ValidJson(requireBareJson: true)])
            .UseJsonEnforcement(configure: c => c.AlwaysEnforce = true)
            .Build();

        var response = await client.GetResponseAsync("Who?", cancellationToken: Ct);

        Assert.Equal("{\"name\":\"Ada\"}", response.Text);
        Assert.Equal(130, response.Usage!.InputTokenCount);
        var retry = inner.Calls[1].Messages;
        Assert.Equal(ChatRole.System, retry[0].Role);
        Assert.Equal("Sure! {\"name\": \"Ada\", }", retry[2].Text);
        Assert.StartsWith("Your previous answer was rejected for these reasons:\n- the response does not contain valid JSON: ", retry[3].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_ValidatorSeesContext()
    {
        var contexts = new List<ChatResponseValidationContext>();
        var inner = new ScriptedChatClient().EnqueueText("bad").EnqueueText("OK");
        var options = new ChatOptions { ModelId = "m" };
        using var client = Client(inner, new RecordingValidator(contexts));

        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "q")], options, Ct);

        Assert.Equal([1, 2], contexts.Select(c => c.AttemptNumber));
        Assert.All(contexts, c => Assert.Equal(3, c.MaxAttempts));
        Assert.All(contexts, c => Assert.Same(options, c.Options));
        Assert.Single(contexts[0].Messages);
        Assert.Equal(3, contexts[1].Messages.Count);
    }

    [Fact]
    public async Task GetResponseAsync_CancelledBetweenAttempts_StopsRetrying()
    {
        using var cts = new CancellationTokenSource();
        var inner = new ScriptedChatClient().EnqueueText("bad").EnqueueText("OK");
        using var client = Client(inner, ChatResponseValidators.Predicate(_ =>
        {
            cts.Cancel();
            return false;
        }, "never"));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetResponseAsync("q", cancellationToken: cts.Token));

        Assert.Single(inner.Calls);
    }

    [Fact]
    public async Task GetResponseAsync_CallerOptionsAndMessagesNeverMutated()
    {
        var inner = new ScriptedChatClient().EnqueueText("bad").EnqueueText("OK");
        using var client = Client(inner, ChatResponseValidators.Regex("OK"));
        var options = new ChatOptions { ModelId = "m", AdditionalProperties = new() { ["k"] = "v" } };
        List<ChatMessage> messages = [new(ChatRole.User, "q")];

        await client.GetResponseAsync(messages, options, Ct);

        Assert.Single(messages);
        Assert.Equal("m", options.ModelId);
        Assert.Single(options.AdditionalProperties);
        Assert.Same(options, inner.Calls[1].Options);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_HeldByDefault_OnlyValidAttemptIsStreamed()
    {
        var inner = new ScriptedChatClient()
            .EnqueueStream(Usage(10, 3), "bad ", "answer")
            .EnqueueStream(Usage(20, 1), "O", "K");
        using var client = Client(inner, ChatResponseValidators.Regex("^OK$", errorMessage: "say OK"));

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync("q", cancellationToken: Ct))
        {
            updates.Add(update);
        }

        Assert.DoesNotContain(updates, u => u.Text.Contains("bad", StringComparison.Ordinal));
        var response = updates.ToChatResponse();
        Assert.Equal("OK", response.Text);
        Assert.Equal(30, response.Usage!.InputTokenCount);
        Assert.Equal(4, response.Usage.OutputTokenCount);
        // ToChatResponse puts the AdditionalProperties of updates on the message.
        Assert.Equal(2, response.Messages[^1].AdditionalProperties![ValidationResponseProperties.Attempts]);
        Assert.Equal(["q", "bad answer", RetryText("say OK")], inner.Calls[1].Messages.Select(m => m.Text));
        Assert.True(inner.Calls[1].Streaming);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_StreamFirstAttempt_StreamsLiveThenSignalsDiscard()
    {
        var inner = new ScriptedChatClient().EnqueueStream(null, "bad").EnqueueStream(null, "OK");
        using var client = Client(inner, ChatResponseValidators.Regex("^OK$"));
        client.StreamFirstAttempt = true;

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync("q", cancellationToken: Ct))
        {
            updates.Add(update);
        }

        Assert.Equal("bad", updates[0].Text);
        Assert.Equal(true, updates[1].AdditionalProperties![ValidationResponseProperties.DiscardPrevious]);
        Assert.Equal("OK", updates[2].Text);
        Assert.Equal(2, updates[^1].AdditionalProperties![ValidationResponseProperties.Attempts]);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_JsonEnforcementAfterStream_IsRetried()
    {
        var inner = new ScriptedChatClient()
            .EnqueueStream(null, "{\"name\":", "1}")
            .EnqueueStream(null, "```json\n{\"name\":", "\"Ada\"}\n```");
        var schema = System.Text.Json.JsonDocument.Parse("""{"type":"object","properties":{"name":{"type":"string"}}}""").RootElement;
        var client = inner.AsBuilder().UseRetryWithValidation().UseJsonEnforcement().Build();

        var response = await client.GetStreamingResponseAsync("q", new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(schema) }, Ct)
            .ToChatResponseAsync(Ct);

        Assert.Equal("{\"name\":\"Ada\"}", response.Text);
        Assert.Equal(RetryText("$.name: type: Value is \"integer\" but should be \"string\""), inner.Calls[1].Messages[^1].Text);
        Assert.Equal("{\"name\":1}", inner.Calls[1].Messages[^2].Text);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_Exhausted_Throws()
    {
        var inner = new ScriptedChatClient().EnqueueStream(null, "a").EnqueueStream(null, "b");
        using var client = Client(inner, ChatResponseValidators.Regex("^OK$"));
        client.MaxAttempts = 2;

        var ex = await Assert.ThrowsAsync<ValidationRetriesExhaustedException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync("q", cancellationToken: Ct))
            {
                Assert.Fail("Nothing may be streamed before an answer passes.");
            }
        });

        Assert.Equal(["a", "b"], ex.Attempts.Select(a => a.Response.Text));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_TransportError_PropagatesWithoutRetry()
    {
        var inner = new ScriptedChatClient().EnqueueException(new LlmConnectorException("rate limited", LlmErrorKind.RateLimited, "openrouter")).EnqueueStream(null, "OK");
        using var client = Client(inner, ChatResponseValidators.NotEmpty());

        await Assert.ThrowsAsync<LlmConnectorException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync("q", cancellationToken: Ct))
            {
            }
        });

        Assert.Single(inner.Calls);
    }

    [Fact]
    public async Task Pipeline_JsonEnforcementInsideRetry_StillSeesLeafCapabilities()
    {
        var provider = new StaticCapabilityProvider(new ModelCapabilities { ModelId = "m", SupportsJsonSchema = true });
        var inner = new ScriptedChatClient { CapabilityProvider = provider }.EnqueueText("{\"a\":1}");
        var schema = System.Text.Json.JsonDocument.Parse("{\"type\":\"object\"}").RootElement;
        var options = new ChatOptions { ModelId = "m", ResponseFormat = ChatResponseFormat.ForJsonSchema(schema) };
        var client = inner.AsBuilder().UseRetryWithValidation().UseJsonEnforcement().Build();

        await client.GetResponseAsync("q", options, Ct);

        Assert.Same(provider, client.GetService(typeof(IModelCapabilityProvider)));
        Assert.Equal(1, provider.Lookups);
        Assert.Same(options, inner.Calls[0].Options);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_Cancelled_PropagatesWithoutRetry()
    {
        using var cts = new CancellationTokenSource();
        var inner = new ScriptedChatClient().EnqueueStream(null, "a", "b").EnqueueStream(null, "OK");
        using var client = Client(inner, ChatResponseValidators.Predicate(_ =>
        {
            cts.Cancel();
            return false;
        }, "never"));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync("q", cancellationToken: cts.Token))
            {
            }
        });

        Assert.Single(inner.Calls);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_JsonFailuresExhausted_ExceptionCarriesRawAnswersAndUsage()
    {
        var inner = new ScriptedChatClient().EnqueueStream(Usage(3, 1), "no json").EnqueueStream(Usage(4, 2), "still none");
        var client = inner.AsBuilder().UseRetryWithValidation(configure: c => c.MaxAttempts = 2).UseJsonEnforcement(configure: c => c.AlwaysEnforce = true).Build();
        List<ChatMessage> messages = [new(ChatRole.User, "q")];

        var ex = await Assert.ThrowsAsync<ValidationRetriesExhaustedException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync(messages, cancellationToken: Ct))
            {
            }
        });

        Assert.Equal(["no json", "still none"], ex.Attempts.Select(a => a.Response.Text));
        Assert.All(ex.Attempts, a => Assert.Equal(["the response does not contain a JSON object or array"], a.Errors));
        Assert.Equal(7, ex.Usage!.InputTokenCount);
        Assert.Equal(3, ex.Usage.OutputTokenCount);
        Assert.Single(messages);
    }

    [Fact]
    public async Task GetResponseAsync_Retries_LogsErrorsOnlyAtTrace()
    {
        var logger = new CapturingLogger();
        var inner = new ScriptedChatClient().EnqueueText("a").EnqueueText("b");
        using var client = new RetryWithValidationChatClient(inner, [ChatResponseValidators.Regex("^OK$", errorMessage: "secret rule")], logger) { MaxAttempts = 2 };

        await Assert.ThrowsAsync<ValidationRetriesExhaustedException>(() => client.GetResponseAsync("q", cancellationToken: Ct));

        Assert.Equal(2, logger.Entries.Count(e => e.Level == Microsoft.Extensions.Logging.LogLevel.Debug));
        Assert.Single(logger.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning);
        Assert.Contains(logger.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Trace && e.Message.Contains("secret rule", StringComparison.Ordinal));
        Assert.DoesNotContain(logger.Entries, e => e.Level > Microsoft.Extensions.Logging.LogLevel.Trace && e.Message.Contains("secret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_StreamFirstAttemptPasses_NoDiscardSignal()
    {
        var inner = new ScriptedChatClient().EnqueueStream(Usage(1, 1), "O", "K");
        using var client = Client(inner, ChatResponseValidators.Regex("^OK$"));
        client.StreamFirstAttempt = true;

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync("q", cancellationToken: Ct))
        {
            updates.Add(update);
        }

        Assert.DoesNotContain(updates, u => u.AdditionalProperties?.ContainsKey(ValidationResponseProperties.DiscardPrevious) == true);
        Assert.Equal("OK", updates.ToChatResponse().Text);
        Assert.Equal(1, updates[^1].AdditionalProperties![ValidationResponseProperties.Attempts]);
        Assert.Equal(1, updates.ToChatResponse().Usage!.InputTokenCount);
    }

    [Fact]
    public async Task GetResponseAsync_JsonEnforcementExceptionWithoutErrors_SendsItsMessage()
    {
        var inner = new ScriptedChatClient().EnqueueException(new JsonEnforcementException("custom failure")).EnqueueText("OK");
        using var client = Client(inner);

        await client.GetResponseAsync("q", cancellationToken: Ct);

        Assert.Equal(["q", RetryText("custom failure")], inner.Calls[1].Messages.Select(m => m.Text));
    }

    [Fact]
    public void GetService_ReturnsSelfAndForwards()
    {
        var inner = new ScriptedChatClient();
        using var client = Client(inner);

        Assert.Same(client, client.GetService(typeof(RetryWithValidationChatClient)));
        Assert.Same(inner, client.GetService(typeof(ScriptedChatClient)));
        Assert.Null(client.GetService(typeof(RetryWithValidationChatClient), "key"));
    }

    [Fact]
    public async Task UseRetryWithValidation_ConfigureRuns()
    {
        var inner = new ScriptedChatClient().EnqueueText("bad").EnqueueText("OK");
        var client = inner.AsBuilder().UseRetryWithValidation(configure: c =>
        {
            c.Validators.Add(ChatResponseValidators.Regex("OK"));
            c.MaxAttempts = 2;
        }).Build();

        var retry = Assert.IsType<RetryWithValidationChatClient>(client.GetService(typeof(RetryWithValidationChatClient)));
        Assert.Equal(2, retry.MaxAttempts);
        Assert.Equal("OK", (await client.GetResponseAsync("q", cancellationToken: Ct)).Text);
        Assert.Throws<ArgumentNullException>("builder", () => ((ChatClientBuilder)null!).UseRetryWithValidation());
    }

    [Fact]
    public void CreateRetryMessage_ListsErrors()
    {
        Assert.Equal(RetryText("a", "b"), RetryWithValidationChatClient.CreateRetryMessage(["a", "b"]));
    }

    private sealed class RecordingValidator(List<ChatResponseValidationContext> contexts) : IChatResponseValidator
    {
        public ValueTask<ChatResponseValidationResult> ValidateAsync(ChatResponse response, ChatResponseValidationContext context, CancellationToken cancellationToken = default)
        {
            contexts.Add(context);
            return new(response.Text == "OK" ? ChatResponseValidationResult.Success : ChatResponseValidationResult.Failure("say OK"));
        }
    }
}
