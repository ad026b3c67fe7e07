using Microsoft.Extensions.AI;

namespace LlmConnectors.Tests.Pipeline;

/// <summary>
/// The middlewares answer their pass-through path without an async state machine; these tests pin down that a caller sees
/// exactly what an async method gave: exceptions fault (or cancel) the returned task instead of escaping the call, and the
/// answer is the inner client's, with the documented additions.
/// </summary>
public class PassThroughPathTests
{
    private static readonly ModelCapabilities Native = new() { ModelId = "model", SupportsImages = true, SupportsJsonObject = true, SupportsJsonSchema = true };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static List<ChatMessage> Messages => [new(ChatRole.System, "Answer briefly."), new(ChatRole.User, "What is the capital of France?")];

    public sealed record CityAnswer(string City, int Population);

    [Fact]
    public async Task Pipeline_ValidAnswerAtOnce_ReturnsTheInnerAnswerWithOneAttempt()
    {
        var usage = new UsageDetails { InputTokenCount = 3, OutputTokenCount = 4, TotalTokenCount = 7 };
        var leaf = new InstantClient(() => new ChatResponse(new ChatMessage(ChatRole.Assistant, "Paris.")) { Usage = usage });
        var client = Wrap(leaf);

        var response = await client.GetResponseAsync(Messages, new ChatOptions { ModelId = "model" }, Ct);

        Assert.Equal("Paris.", response.Text);
        Assert.Equal(1, response.AdditionalProperties![ValidationResponseProperties.Attempts]);
        Assert.Equal([usage], (UsageDetails?[])response.AdditionalProperties[ValidationResponseProperties.AttemptUsage]!);
        Assert.Same(usage, response.Usage);
    }

    [Fact]
    public async Task Pipeline_SchemaAnswerAtOnce_ReturnsTheJsonUnchanged()
    {
        const string Answer = """{"city":"Paris","population":2102650}""";
        var leaf = new InstantClient(() => new ChatResponse(new ChatMessage(ChatRole.Assistant, Answer)));
        var client = Wrap(leaf);
        var options = new ChatOptions { ModelId = "model", ResponseFormat = ChatResponseFormat.ForJsonSchema(AIJsonUtilities.CreateJsonSchema(typeof(CityAnswer))) };

        var response = await client.GetResponseAsync(Messages, options, Ct);

        Assert.Equal(Answer, response.Text);
        Assert.Equal(1, response.AdditionalProperties![ValidationResponseProperties.Attempts]);
    }

    [Fact]
    public async Task Pipeline_SchemaViolationThenValidAnswer_RetriesWithTheSchemaErrors()
    {
        var answers = new Queue<string>(["""{"city":"Paris","population":"many"}""", """{"city":"Paris","population":2102650}"""]);
        var leaf = new InstantClient(() => new ChatResponse(new ChatMessage(ChatRole.Assistant, answers.Dequeue())));
        var client = Wrap(leaf);
        var options = new ChatOptions { ModelId = "model", ResponseFormat = ChatResponseFormat.ForJsonSchema(AIJsonUtilities.CreateJsonSchema(typeof(CityAnswer))) };

        var response = await client.GetResponseAsync(Messages, options, Ct);

        Assert.Equal("""{"city":"Paris","population":2102650}""", response.Text);
        Assert.Equal(2, response.AdditionalProperties![ValidationResponseProperties.Attempts]);
        var retry = leaf.Received[1][^1];
        Assert.Equal(ChatRole.User, retry.Role);
        Assert.Contains("- $.population: type: Value is \"string\" but should be \"integer\"", retry.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void MultimodalPreprocessing_InnerThrowsSynchronously_FaultsTheTaskInstead()
    {
        var client = new MultimodalPreprocessingChatClient(new InstantClient(() => throw new InvalidOperationException("boom")));

        var task = client.GetResponseAsync(Messages, null, Ct);

        Assert.True(task.IsFaulted);
        Assert.Equal("boom", Assert.IsType<InvalidOperationException>(task.Exception!.InnerException).Message);
    }

    [Fact]
    public void MultimodalPreprocessing_InnerThrowsCancellationSynchronously_CancelsTheTask()
    {
        var client = new MultimodalPreprocessingChatClient(new InstantClient(() => throw new OperationCanceledException()));

        var task = client.GetResponseAsync(Messages, null, Ct);

        Assert.True(task.IsCanceled);
    }

    [Fact]
    public async Task MultimodalPreprocessing_NoMedia_PassesTheCallersListAndOptions()
    {
        var leaf = new InstantClient(() => new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok")));
        var client = new MultimodalPreprocessingChatClient(leaf);
        var messages = Messages;
        var options = new ChatOptions { ModelId = "model" };

        await client.GetResponseAsync(messages, options, Ct);

        Assert.Same(messages, leaf.LastMessages);
        Assert.Same(options, leaf.LastOptions);
    }

    [Fact]
    public async Task MultimodalPreprocessing_LazyMessages_PassesThemAsAList()
    {
        var leaf = new InstantClient(() => new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok")));
        var client = new MultimodalPreprocessingChatClient(leaf);

        await client.GetResponseAsync(Messages.Select(m => m), null, Ct);

        Assert.Equal(2, Assert.IsAssignableFrom<IReadOnlyList<ChatMessage>>(leaf.LastMessages).Count);
    }

    [Fact]
    public async Task MultimodalPreprocessing_NullMessages_FaultsTheTask()
    {
        var client = new MultimodalPreprocessingChatClient(new InstantClient(() => new ChatResponse()));

        var task = client.GetResponseAsync(null!, null, Ct);

        await Assert.ThrowsAsync<ArgumentNullException>("messages", () => task);
    }

    [Fact]
    public void JsonEnforcing_InvalidAnswerAtOnce_FaultsTheTaskInstead()
    {
        var client = new JsonEnforcingChatClient(new InstantClient(() => new ChatResponse(new ChatMessage(ChatRole.Assistant, "not json"))));

        var task = client.GetResponseAsync(Messages, new ChatOptions { ResponseFormat = ChatResponseFormat.Json }, Ct);

        Assert.True(task.IsFaulted);
        Assert.Equal(JsonEnforcementFailureKind.InvalidJson, Assert.IsType<JsonEnforcementException>(task.Exception!.InnerException).FailureKind);
    }

    [Fact]
    public void JsonEnforcing_InnerThrowsCancellationSynchronously_CancelsTheTask()
    {
        var client = new JsonEnforcingChatClient(new InstantClient(() => throw new OperationCanceledException()));

        var task = client.GetResponseAsync(Messages, new ChatOptions { ResponseFormat = ChatResponseFormat.Json }, Ct);

        Assert.True(task.IsCanceled);
    }

    [Fact]
    public async Task JsonEnforcing_WholeJsonAnswer_ReturnsTheInnerResponseItself()
    {
        var answer = new ChatResponse(new ChatMessage(ChatRole.Assistant, """{"city":"Paris"}"""));
        var client = new JsonEnforcingChatClient(new InstantClient(() => answer));

        var response = await client.GetResponseAsync(Messages, new ChatOptions { ResponseFormat = ChatResponseFormat.Json }, Ct);

        Assert.Same(answer, response);
    }

    [Fact]
    public async Task JsonEnforcing_WholeJsonAnswerViolatingTheSchema_ThrowsTheSchemaErrors()
    {
        var client = new JsonEnforcingChatClient(new InstantClient(() => new ChatResponse(new ChatMessage(ChatRole.Assistant, """{"city":3}"""))));
        var options = new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(AIJsonUtilities.CreateJsonSchema(typeof(CityAnswer))) };

        var ex = await Assert.ThrowsAsync<JsonEnforcementException>(() => client.GetResponseAsync(Messages, options, Ct));

        Assert.Equal(JsonEnforcementFailureKind.SchemaViolation, ex.FailureKind);
        Assert.Equal(["$: required: Required properties [\"population\"] are not present", "$.city: type: Value is \"integer\" but should be \"string\""], ex.Errors);
        Assert.Equal("""{"city":3}""", ex.RawText);
    }

    [Fact]
    public async Task RetryWithValidation_InnerThrowsJsonEnforcementSynchronously_RetriesIt()
    {
        var calls = 0;
        var leaf = new InstantClient(() => ++calls == 1
            ? throw new JsonEnforcementException(JsonEnforcementFailureKind.InvalidJson, "nope", ["the response is not JSON"], null)
            : new ChatResponse(new ChatMessage(ChatRole.Assistant, "{}")));
        var client = new RetryWithValidationChatClient(leaf);

        var response = await client.GetResponseAsync(Messages, null, Ct);

        Assert.Equal("{}", response.Text);
        Assert.Equal(2, response.AdditionalProperties![ValidationResponseProperties.Attempts]);
        Assert.Equal("Your previous answer was rejected for these reasons:\n- the response is not JSON\nAnswer again: reply with the complete corrected answer only.", leaf.Received[1][^1].Text);
    }

    [Fact]
    public void RetryWithValidation_InnerThrowsCancellationSynchronously_CancelsTheTask()
    {
        var client = new RetryWithValidationChatClient(new InstantClient(() => throw new OperationCanceledException()));

        var task = client.GetResponseAsync(Messages, null, Ct);

        Assert.True(task.IsCanceled);
    }

    [Fact]
    public async Task RetryWithValidation_NullMessages_FaultsTheTask()
    {
        var client = new RetryWithValidationChatClient(new InstantClient(() => new ChatResponse()));

        var task = client.GetResponseAsync(null!, null, Ct);

        await Assert.ThrowsAsync<ArgumentNullException>("messages", () => task);
    }

    [Fact]
    public async Task RetryWithValidation_ValidatorFailsAtOnce_RetriesWithItsErrors()
    {
        var answers = new Queue<string>(["", "Paris."]);
        var leaf = new InstantClient(() => new ChatResponse(new ChatMessage(ChatRole.Assistant, answers.Dequeue())));
        var client = new RetryWithValidationChatClient(leaf, [ChatResponseValidators.NotEmpty()]);

        var response = await client.GetResponseAsync(Messages, null, Ct);

        Assert.Equal("Paris.", response.Text);
        Assert.Equal(2, response.AdditionalProperties![ValidationResponseProperties.Attempts]);
        Assert.Contains(NotEmptyResponseValidator.ErrorMessage, leaf.Received[1][^1].Text, StringComparison.Ordinal);
    }

    private static IChatClient Wrap(IChatClient leaf) => leaf.AsBuilder()
        .UseRetryWithValidation([ChatResponseValidators.NotEmpty()])
        .UseJsonEnforcement()
        .UseMultimodalPreprocessing()
        .Build();

    /// <summary>Answers synchronously (a completed task, or an exception thrown by the call itself), taking everything natively.</summary>
    private sealed class InstantClient(Func<ChatResponse> answer) : IChatClient, IModelCapabilityProvider
    {
        public List<List<ChatMessage>> Received { get; } = [];

        public IEnumerable<ChatMessage>? LastMessages { get; private set; }

        public ChatOptions? LastOptions { get; private set; }

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            LastMessages = messages;
            LastOptions = options;
            Received.Add([.. messages]);
            return Task.FromResult(answer());
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException("These tests use GetResponseAsync only.");

        public ValueTask<ModelCapabilities?> GetModelCapabilitiesAsync(string? modelId, CancellationToken cancellationToken = default) => new(Native);

        public object? GetService(Type serviceType, object? serviceKey = null) =>
            serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

        public void Dispose()
        {
        }
    }
}
