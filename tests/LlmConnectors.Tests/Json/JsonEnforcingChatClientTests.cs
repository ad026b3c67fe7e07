using System.Text.Json;
using LlmConnectors.Tests.Validation;
using Microsoft.Extensions.AI;

namespace LlmConnectors.Tests.Json;

public class JsonEnforcingChatClientTests
{
    private const string Instruction = "Reply with one JSON value and nothing else: no explanation before or after it, no Markdown, no code fences.";

    private static readonly JsonElement PersonSchema = JsonDocument.Parse("""
        {"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer"}},"required":["name","age"],"additionalProperties":false}
        """).RootElement;

    private static ChatOptions SchemaOptions(string? modelId = null) => new()
    {
        ModelId = modelId,
        ResponseFormat = ChatResponseFormat.ForJsonSchema(PersonSchema, "person", "A person"),
    };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Constructor_NullInner_Throws()
    {
        Assert.Throws<ArgumentNullException>("innerClient", () => new JsonEnforcingChatClient(null!));
    }

    [Fact]
    public async Task GetResponseAsync_NoJsonFormat_PassesThroughUntouched()
    {
        var inner = new ScriptedChatClient().EnqueueText("```json\n{}\n``` plain text");
        using var client = new JsonEnforcingChatClient(inner);
        ChatMessage[] messages = [new(ChatRole.User, "hi")];
        var options = new ChatOptions();

        var response = await client.GetResponseAsync(messages, options, Ct);

        Assert.Equal("```json\n{}\n``` plain text", response.Text);
        Assert.Same(options, inner.Calls[0].Options);
        Assert.Equal(0, inner.GetServiceCalls);
    }

    [Fact]
    public async Task GetResponseAsync_NoCapabilityProvider_AddsInstructionWithSchemaAndClearsFormat()
    {
        var inner = new ScriptedChatClient().EnqueueText("{\"name\":\"Ada\",\"age\":36}");
        using var client = new JsonEnforcingChatClient(inner);
        List<ChatMessage> messages = [new(ChatRole.System, "You are terse."), new(ChatRole.User, "Who?")];
        var options = SchemaOptions();

        await client.GetResponseAsync(messages, options, Ct);

        var call = inner.Calls[0];
        Assert.Null(call.Options!.ResponseFormat);
        Assert.Equal(3, call.Messages.Count);
        Assert.Equal("You are terse.", call.Messages[0].Text);
        Assert.Equal(ChatRole.System, call.Messages[1].Role);
        Assert.Equal(
            Instruction + "\nThe value is \"person\": A person.\nThe JSON value must be valid against this JSON schema:\n" + PersonSchema.GetRawText(),
            call.Messages[1].Text);
        Assert.Equal("Who?", call.Messages[2].Text);

        // The caller's objects are untouched.
        Assert.Equal(2, messages.Count);
        Assert.IsType<ChatResponseFormatJson>(options.ResponseFormat);
    }

    [Fact]
    public void CreateInstruction_PlainJson_IsTheFirstSentenceOnly()
    {
        Assert.Equal(Instruction, JsonEnforcingChatClient.CreateInstruction(ChatResponseFormat.Json));
        Assert.Equal(
            Instruction + "\nThe JSON value must be valid against this JSON schema:\n{\"type\":\"string\"}",
            JsonEnforcingChatClient.CreateInstruction(ChatResponseFormat.ForJsonSchema(JsonDocument.Parse("{\"type\":\"string\"}").RootElement)));
        Assert.Throws<ArgumentNullException>("format", () => JsonEnforcingChatClient.CreateInstruction(null!));
    }

    [Fact]
    public async Task GetResponseAsync_NativeSchemaSupport_PassesFormatThroughWithoutInstruction()
    {
        var inner = new ScriptedChatClient { CapabilityProvider = new StaticCapabilityProvider(new ModelCapabilities { ModelId = "m", SupportsJsonSchema = true }) };
        inner.EnqueueText("{\"name\":\"Ada\",\"age\":36}");
        using var client = new JsonEnforcingChatClient(inner);
        var options = SchemaOptions("m");
        ChatMessage[] messages = [new(ChatRole.User, "Who?")];

        var response = await client.GetResponseAsync(messages, options, Ct);

        Assert.Same(options, inner.Calls[0].Options);
        Assert.Single(inner.Calls[0].Messages);
        Assert.Equal("{\"name\":\"Ada\",\"age\":36}", response.Text);
    }

    [Fact]
    public async Task GetResponseAsync_NativeStillValidatesTheAnswer()
    {
        var inner = new ScriptedChatClient { CapabilityProvider = new StaticCapabilityProvider(new ModelCapabilities { ModelId = "m", SupportsJsonSchema = true }) };
        inner.EnqueueText("{\"name\":\"Ada\"}");
        using var client = new JsonEnforcingChatClient(inner);

        var ex = await Assert.ThrowsAsync<JsonEnforcementException>(() => client.GetResponseAsync("Who?", SchemaOptions("m"), Ct));

        Assert.Equal(JsonEnforcementFailureKind.SchemaViolation, ex.FailureKind);
        Assert.Equal(["$: required: Required properties [\"age\"] are not present"], ex.Errors);
    }

    [Fact]
    public async Task GetResponseAsync_JsonObjectOnlySupport_SendsPlainJsonFormatAndSchemaInstruction()
    {
        var inner = new ScriptedChatClient { CapabilityProvider = new StaticCapabilityProvider(new ModelCapabilities { ModelId = "m", SupportsJsonObject = true }) };
        inner.EnqueueText("{\"name\":\"Ada\",\"age\":36}");
        using var client = new JsonEnforcingChatClient(inner);

        await client.GetResponseAsync("Who?", SchemaOptions("m"), Ct);

        var format = Assert.IsType<ChatResponseFormatJson>(inner.Calls[0].Options!.ResponseFormat);
        Assert.Null(format.Schema);
        Assert.StartsWith(Instruction, inner.Calls[0].Messages[0].Text, StringComparison.Ordinal);
        Assert.Contains("\"additionalProperties\":false", inner.Calls[0].Messages[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_JsonObjectSupportWithoutSchema_PassesThrough()
    {
        var inner = new ScriptedChatClient { CapabilityProvider = new StaticCapabilityProvider(new ModelCapabilities { ModelId = "m", SupportsJsonObject = true }) };
        inner.EnqueueText("[1]");
        using var client = new JsonEnforcingChatClient(inner);
        var options = new ChatOptions { ModelId = "m", ResponseFormat = ChatResponseFormat.Json };

        await client.GetResponseAsync("List", options, Ct);

        Assert.Same(options, inner.Calls[0].Options);
    }

    [Fact]
    public async Task GetResponseAsync_CapabilitiesCachedPerModel()
    {
        var provider = new StaticCapabilityProvider(
            new ModelCapabilities { ModelId = "a", SupportsJsonSchema = true },
            new ModelCapabilities { ModelId = "b" });
        var inner = new ScriptedChatClient { CapabilityProvider = provider };
        for (var i = 0; i < 4; i++)
        {
            inner.EnqueueText("{\"name\":\"Ada\",\"age\":1}");
        }

        using var client = new JsonEnforcingChatClient(inner);

        await client.GetResponseAsync("x", SchemaOptions("a"), Ct);
        await client.GetResponseAsync("x", SchemaOptions("a"), Ct);
        await client.GetResponseAsync("x", SchemaOptions("b"), Ct);
        await client.GetResponseAsync("x", SchemaOptions("b"), Ct);

        Assert.Equal(2, provider.Lookups);
        Assert.Equal(1, inner.GetServiceCalls);
        Assert.NotNull(inner.Calls[0].Options!.ResponseFormat);
        Assert.Null(inner.Calls[2].Options!.ResponseFormat);
    }

    [Fact]
    public async Task GetResponseAsync_AssumeNativeSupportWhenUnknown_PassesThrough()
    {
        var inner = new ScriptedChatClient().EnqueueText("{\"name\":\"Ada\",\"age\":1}");
        using var client = new JsonEnforcingChatClient(inner) { AssumeNativeSupportWhenUnknown = true };
        var options = SchemaOptions();

        await client.GetResponseAsync("x", options, Ct);

        Assert.Same(options, inner.Calls[0].Options);
        Assert.Single(inner.Calls[0].Messages);
    }

    [Fact]
    public async Task GetResponseAsync_ModelUnknownToProvider_CachedAndFollowsSetting()
    {
        var provider = new StaticCapabilityProvider();
        var inner = new ScriptedChatClient { CapabilityProvider = provider };
        inner.EnqueueText("{\"name\":\"Ada\",\"age\":1}").EnqueueText("{\"name\":\"Ada\",\"age\":1}");
        using var client = new JsonEnforcingChatClient(inner);

        await client.GetResponseAsync("x", SchemaOptions("z"), Ct);
        client.AssumeNativeSupportWhenUnknown = true;
        await client.GetResponseAsync("x", SchemaOptions("z"), Ct);

        Assert.Equal(1, provider.Lookups);
        Assert.Null(inner.Calls[0].Options!.ResponseFormat);
        Assert.NotNull(inner.Calls[1].Options!.ResponseFormat);
    }

    [Fact]
    public async Task GetResponseAsync_AlwaysEnforceWithoutFormat_AddsPlainInstructionAndCleansAnswer()
    {
        var inner = new ScriptedChatClient().EnqueueText("Here you go:\n```json\n{\"ok\":true}\n```");
        using var client = new JsonEnforcingChatClient(inner) { AlwaysEnforce = true };

        var response = await client.GetResponseAsync("x", cancellationToken: Ct);

        Assert.Equal(Instruction, inner.Calls[0].Messages[0].Text);
        Assert.Equal("{\"ok\":true}", response.Text);
    }

    [Fact]
    public async Task GetResponseAsync_FencedAnswer_BecomesCleanJsonKeepingMetadata()
    {
        var usage = new UsageDetails { InputTokenCount = 10, OutputTokenCount = 5 };
        var original = new ChatResponse(new ChatMessage(ChatRole.Assistant, "Sure!\n```json\n{\"name\":\"Ada\",\"age\":36}\n```\nAnything else?") { MessageId = "m1" })
        {
            ResponseId = "r1",
            ModelId = "model-x",
            Usage = usage,
            FinishReason = ChatFinishReason.Stop,
        };
        var inner = new ScriptedChatClient().Enqueue(original);
        using var client = new JsonEnforcingChatClient(inner);

        var response = await client.GetResponseAsync("x", SchemaOptions(), Ct);

        Assert.Equal("{\"name\":\"Ada\",\"age\":36}", response.Text);
        Assert.Equal("r1", response.ResponseId);
        Assert.Equal("model-x", response.ModelId);
        Assert.Same(usage, response.Usage);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal("m1", response.Messages[0].MessageId);
        Assert.Contains("Sure!", original.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_CleanAnswer_ReturnsSameResponse()
    {
        var original = new ChatResponse(new ChatMessage(ChatRole.Assistant, "{\"name\":\"Ada\",\"age\":36}"));
        var inner = new ScriptedChatClient().Enqueue(original);
        using var client = new JsonEnforcingChatClient(inner);

        Assert.Same(original, await client.GetResponseAsync("x", SchemaOptions(), Ct));
    }

    [Fact]
    public async Task GetResponseAsync_NotJson_ThrowsWithRawTextAndResponse()
    {
        var usage = new UsageDetails { TotalTokenCount = 7 };
        var inner = new ScriptedChatClient().EnqueueText("I don't know.", usage);
        using var client = new JsonEnforcingChatClient(inner);

        var ex = await Assert.ThrowsAsync<JsonEnforcementException>(() => client.GetResponseAsync("x", SchemaOptions(), Ct));

        Assert.Equal(JsonEnforcementFailureKind.InvalidJson, ex.FailureKind);
        Assert.Equal("I don't know.", ex.RawText);
        Assert.Equal(["the response does not contain a JSON object or array"], ex.Errors);
        Assert.Same(usage, ex.Response!.Usage);
        Assert.False(ex.IsTransient);
        Assert.Equal(LlmErrorKind.ProtocolError, ex.Kind);
        Assert.Contains("UseRetryWithValidation", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_SchemaViolation_ThrowsWithPathErrors()
    {
        var inner = new ScriptedChatClient().EnqueueText("{\"name\":\"Ada\",\"age\":\"old\",\"x\":1}");
        using var client = new JsonEnforcingChatClient(inner);

        var ex = await Assert.ThrowsAsync<JsonEnforcementException>(() => client.GetResponseAsync("x", SchemaOptions(), Ct));

        Assert.Equal(JsonEnforcementFailureKind.SchemaViolation, ex.FailureKind);
        Assert.Equal(
            ["$.age: type: Value is \"string\" but should be \"integer\"", "$.x: additionalProperties: this property is not allowed"],
            ex.Errors);
        Assert.Equal(2, ex.SchemaErrors.Count);
    }

    [Fact]
    public async Task GetResponseAsync_ValidateSchemaOff_OnlyRequiresJson()
    {
        var inner = new ScriptedChatClient().EnqueueText("{\"unexpected\":true}");
        using var client = new JsonEnforcingChatClient(inner) { ValidateSchema = false };

        var response = await client.GetResponseAsync("x", SchemaOptions(), Ct);

        Assert.Equal("{\"unexpected\":true}", response.Text);
    }

    [Fact]
    public async Task GetResponseAsync_ToolCall_IsNotEnforced()
    {
        var call = new ChatResponse(new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("c1", "lookup")]));
        var inner = new ScriptedChatClient().Enqueue(call);
        using var client = new JsonEnforcingChatClient(inner);

        Assert.Same(call, await client.GetResponseAsync("x", SchemaOptions(), Ct));
    }

    [Fact]
    public async Task GetResponseAsync_Cancelled_PropagatesCancellation()
    {
        var inner = new ScriptedChatClient().EnqueueText("{}");
        using var client = new JsonEnforcingChatClient(inner);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetResponseAsync("x", SchemaOptions(), cts.Token));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_FencedAnswerInChunks_StreamsOnlyTheJson()
    {
        var inner = new ScriptedChatClient().EnqueueStream(
            new UsageDetails { OutputTokenCount = 9 },
            "Here it is:\n``", "`json\n{\"na", "me\":\"A}da\\\"\",", "\"age\":36}\n`", "``\nBye!");
        using var client = new JsonEnforcingChatClient(inner);

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync("x", SchemaOptions(), Ct))
        {
            updates.Add(update);
        }

        var texts = updates.Where(u => u.Text.Length > 0).Select(u => u.Text).ToList();
        Assert.Equal(["{\"na", "me\":\"A}da\\\"\",", "\"age\":36}"], texts);
        var response = updates.ToChatResponse();
        Assert.Equal("{\"name\":\"A}da\\\"\",\"age\":36}", response.Text);
        Assert.Equal(9, response.Usage!.OutputTokenCount);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_AnyChunkBoundary_YieldsTheSameCleanJson()
    {
        const string json = "{\"name\":\"A \\\"quoted\\\" {brace} [x]\",\"age\":36}";
        const string answer = "Sure:\n```json\n" + json + "\n```\nThanks";
        for (var split = 1; split < answer.Length; split++)
        {
            var inner = new ScriptedChatClient().EnqueueStream(null, answer[..split], answer[split..]);
            using var client = new JsonEnforcingChatClient(inner);

            var response = await client.GetStreamingResponseAsync("x", SchemaOptions(), Ct).ToChatResponseAsync(Ct);

            Assert.Equal(json, response.Text);
        }
    }

    [Theory]
    [InlineData("[Note] the result is {\"name\":\"Ada\",\"age\":3}")]
    [InlineData("Use the {name} placeholder:\n{\"name\":\"Ada\",\"age\":3}")]
    [InlineData("{x} [ y ] { z }: {\"name\":\"Ada\",\"age\":3}")]
    [InlineData("{\n  \"name\":\"Ada\",\"age\":3}")]
    public async Task GetStreamingResponseAsync_BracketsInProseBeforeJson_AreSkipped(string answer)
    {
        for (var split = 1; split < answer.Length; split++)
        {
            var inner = new ScriptedChatClient().EnqueueStream(null, answer[..split], answer[split..]);
            using var client = new JsonEnforcingChatClient(inner);

            var text = (await client.GetStreamingResponseAsync("x", SchemaOptions(), Ct).ToChatResponseAsync(Ct)).Text;

            Assert.EndsWith("\"age\":3}", text, StringComparison.Ordinal);
            Assert.StartsWith("{", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task GetStreamingResponseAsync_InvalidAfterStream_ThrowsAfterLastUpdate()
    {
        var inner = new ScriptedChatClient().EnqueueStream(null, "{\"name\":", "\"Ada\"}");
        using var client = new JsonEnforcingChatClient(inner);
        var seen = new List<string>();

        var ex = await Assert.ThrowsAsync<JsonEnforcementException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync("x", SchemaOptions(), Ct))
            {
                seen.Add(update.Text);
            }
        });

        Assert.Equal(["{\"name\":", "\"Ada\"}"], seen);
        Assert.Equal(["$: required: Required properties [\"age\"] are not present"], ex.Errors);
        Assert.Equal("{\"name\":\"Ada\"}", ex.RawText);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_CutOff_ThrowsNeverClosed()
    {
        var inner = new ScriptedChatClient().EnqueueStream(null, "```json\n{\"name\":\"Ada\",");
        using var client = new JsonEnforcingChatClient(inner);

        var ex = await Assert.ThrowsAsync<JsonEnforcementException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync("x", SchemaOptions(), Ct))
            {
            }
        });

        Assert.Contains("never closed", ex.Errors[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_BareScalar_SentAsFinalUpdate()
    {
        var schema = JsonDocument.Parse("{\"type\":\"number\"}").RootElement;
        var inner = new ScriptedChatClient().EnqueueStream(null, "4", "2");
        using var client = new JsonEnforcingChatClient(inner);

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync("x", new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(schema) }, Ct))
        {
            updates.Add(update);
        }

        Assert.Equal("42", updates.ToChatResponse().Text);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_NoJsonFormat_PassesThrough()
    {
        var inner = new ScriptedChatClient().EnqueueStream(null, "plain ", "text {");
        using var client = new JsonEnforcingChatClient(inner);

        var text = (await client.GetStreamingResponseAsync("x", cancellationToken: Ct).ToChatResponseAsync(Ct)).Text;

        Assert.Equal("plain text {", text);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_InstructionMode_SendsInstruction()
    {
        var inner = new ScriptedChatClient().EnqueueStream(null, "{\"name\":\"Ada\",\"age\":3}");
        using var client = new JsonEnforcingChatClient(inner);

        await client.GetStreamingResponseAsync("x", SchemaOptions(), Ct).ToChatResponseAsync(Ct);

        Assert.True(inner.Calls[0].Streaming);
        Assert.StartsWith(Instruction, inner.Calls[0].Messages[0].Text, StringComparison.Ordinal);
        Assert.Null(inner.Calls[0].Options!.ResponseFormat);
    }

    [Fact]
    public async Task GetResponseAsync_Rejected_LogsContentOnlyAtTrace()
    {
        var logger = new CapturingLogger();
        var inner = new ScriptedChatClient().EnqueueText("my secret answer", modelId: "m1");
        using var client = new JsonEnforcingChatClient(inner, logger);

        await Assert.ThrowsAsync<JsonEnforcementException>(() => client.GetResponseAsync("x", SchemaOptions(), Ct));

        Assert.Contains(logger.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Debug && e.Message.Contains("'m1'", StringComparison.Ordinal));
        Assert.Contains(logger.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Trace && e.Message.Contains("my secret answer", StringComparison.Ordinal));
        Assert.DoesNotContain(logger.Entries, e => e.Level > Microsoft.Extensions.Logging.LogLevel.Trace && e.Message.Contains("secret", StringComparison.Ordinal));
    }

    [Fact]
    public void GetService_ReturnsSelfAndForwardsTheRest()
    {
        var inner = new ScriptedChatClient();
        using var client = new JsonEnforcingChatClient(inner);

        Assert.Same(client, client.GetService(typeof(JsonEnforcingChatClient)));
        Assert.Same(inner, client.GetService(typeof(ScriptedChatClient)));
    }

    [Fact]
    public async Task UseJsonEnforcement_ConfiguresMiddleware()
    {
        var inner = new ScriptedChatClient().EnqueueText("x {\"a\":1} y");
        JsonEnforcingChatClient? configured = null;

        var client = inner.AsBuilder().UseJsonEnforcement(configure: c =>
        {
            c.AlwaysEnforce = true;
            configured = c;
        }).Build();

        Assert.Same(configured, client.GetService(typeof(JsonEnforcingChatClient)));
        Assert.Equal("{\"a\":1}", (await client.GetResponseAsync("x", cancellationToken: Ct)).Text);
        Assert.Throws<ArgumentNullException>("builder", () => ((ChatClientBuilder)null!).UseJsonEnforcement());
    }
}
