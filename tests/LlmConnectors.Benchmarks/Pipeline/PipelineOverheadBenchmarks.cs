using BenchmarkDotNet.Attributes;
using LlmConnectors;
using Microsoft.Extensions.AI;

namespace LlmConnectors.Benchmarks.Pipeline;

/// <summary>
/// What the three middlewares (retry with validation, JSON enforcement, multimodal preprocessing) add to one call on the
/// pass-through path: the inner client answers at once with a valid answer, so nothing is re-asked.
/// </summary>
[MemoryDiagnoser]
public class PipelineOverheadBenchmarks
{
    private readonly List<ChatMessage> _messages = [new(ChatRole.System, "Answer briefly."), new(ChatRole.User, "What is the capital of France?")];
    private readonly ChatOptions _textOptions = new() { ModelId = "model" };
    private readonly ChatOptions _jsonOptions = new() { ModelId = "model", ResponseFormat = ChatResponseFormat.Json };
    private readonly ChatOptions _schemaOptions = new()
    {
        ModelId = "model",
        ResponseFormat = ChatResponseFormat.ForJsonSchema(AIJsonUtilities.CreateJsonSchema(typeof(CityAnswer)), "city_answer"),
    };

    private IChatClient _bareText = null!;
    private IChatClient _pipelineText = null!;
    private IChatClient _bareJson = null!;
    private IChatClient _pipelineJson = null!;
    private IChatClient _bareSchema = null!;
    private IChatClient _pipelineSchema = null!;

    [GlobalSetup]
    public void Setup()
    {
        _bareText = new InstantChatClient("Paris.");
        _pipelineText = Wrap(new InstantChatClient("Paris."));
        _bareJson = new InstantChatClient("{\"city\":\"Paris\"}");
        _pipelineJson = Wrap(new InstantChatClient("{\"city\":\"Paris\"}"));
        _bareSchema = new InstantChatClient(SchemaAnswer);
        _pipelineSchema = Wrap(new InstantChatClient(SchemaAnswer));

        // Fails the run at once if the answer does not pass the schema (the benchmark must measure the pass-through path).
        _pipelineSchema.GetResponseAsync(_messages, _schemaOptions).GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true, Description = "bare client, text")]
    public Task<ChatResponse> BareText() => _bareText.GetResponseAsync(_messages, _textOptions);

    [Benchmark(Description = "3 middlewares, text")]
    public Task<ChatResponse> PipelineText() => _pipelineText.GetResponseAsync(_messages, _textOptions);

    [Benchmark(Description = "bare client, JSON")]
    public Task<ChatResponse> BareJson() => _bareJson.GetResponseAsync(_messages, _jsonOptions);

    [Benchmark(Description = "3 middlewares, JSON")]
    public Task<ChatResponse> PipelineJson() => _pipelineJson.GetResponseAsync(_messages, _jsonOptions);

    [Benchmark(Description = "bare client, JSON schema")]
    public Task<ChatResponse> BareSchema() => _bareSchema.GetResponseAsync(_messages, _schemaOptions);

    [Benchmark(Description = "3 middlewares, JSON schema")]
    public Task<ChatResponse> PipelineSchema() => _pipelineSchema.GetResponseAsync(_messages, _schemaOptions);

    private const string SchemaAnswer = "{\"city\":\"Paris\",\"country\":\"France\",\"population\":2102650,\"isCapital\":true}";

    private static IChatClient Wrap(IChatClient leaf) => leaf.AsBuilder()
        .UseRetryWithValidation([ChatResponseValidators.NotEmpty()])
        .UseJsonEnforcement()
        .UseMultimodalPreprocessing()
        .Build();

    /// <summary>The small record whose schema the JSON-schema case asks for.</summary>
    public sealed record CityAnswer(string City, string Country, int Population, bool IsCapital);

    /// <summary>Answers at once, and says it takes images and JSON natively so that no capability is emulated.</summary>
    private sealed class InstantChatClient(string answer) : IChatClient, IModelCapabilityProvider
    {
        private readonly ModelCapabilities _capabilities = new() { ModelId = "model", SupportsImages = true, SupportsJsonObject = true, SupportsJsonSchema = true };

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, answer)));

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException("The overhead benchmark measures GetResponseAsync only.");

        public ValueTask<ModelCapabilities?> GetModelCapabilitiesAsync(string? modelId, CancellationToken cancellationToken = default) => new(_capabilities);

        public object? GetService(Type serviceType, object? serviceKey = null) =>
            serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

        public void Dispose()
        {
        }
    }
}
