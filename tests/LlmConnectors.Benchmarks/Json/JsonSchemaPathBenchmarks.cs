using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;

namespace LlmConnectors.Benchmarks.Json;

/// <summary>
/// The JSON middleware's schema path on its own: <see cref="JsonEnforcingChatClient"/> constructed directly over an in-memory
/// client that answers at once, and <see cref="JsonSchemaValidator"/> (JsonSchema.Net 8.0.5 underneath) alone.
/// </summary>
[MemoryDiagnoser]
public class JsonSchemaPathBenchmarks
{
    private const string ValidAnswer = "{\"city\":\"Paris\",\"country\":\"France\",\"population\":2102650,\"isCapital\":true}";
    private const string FencedAnswer = "Here it is:\n```json\n" + ValidAnswer + "\n```";

    private readonly List<ChatMessage> _messages = [new(ChatRole.User, "What is the capital of France?")];
    private readonly ChatOptions _schemaOptions = new() { ResponseFormat = ChatResponseFormat.ForJsonSchema<CityAnswer>() };

    private IChatClient _bare = null!;
    private IChatClient _enforcing = null!;
    private IChatClient _enforcingFenced = null!;
    private JsonSchemaValidator _validator = null!;
    private JsonDocument _valid = null!;
    private JsonDocument _invalid = null!;

    [GlobalSetup]
    public void Setup()
    {
        _bare = new InstantChatClient(ValidAnswer);
        _enforcing = new JsonEnforcingChatClient(new InstantChatClient(ValidAnswer)) { AssumeNativeSupportWhenUnknown = true };
        _enforcingFenced = new JsonEnforcingChatClient(new InstantChatClient(FencedAnswer)) { AssumeNativeSupportWhenUnknown = true };
        _validator = new JsonSchemaValidator(((ChatResponseFormatJson)_schemaOptions.ResponseFormat!).Schema!.Value);
        _valid = JsonDocument.Parse(ValidAnswer);
        _invalid = JsonDocument.Parse("{\"city\":\"Paris\",\"country\":3,\"population\":\"many\"}");

        // Fails the run at once if the answers do not pass the schema (the benchmark must measure the passing path).
        _enforcing.GetResponseAsync(_messages, _schemaOptions).GetAwaiter().GetResult();
        _enforcingFenced.GetResponseAsync<CityAnswer>(_messages).GetAwaiter().GetResult();
        if (_validator.Validate(_invalid.RootElement).Count != 3)
        {
            throw new InvalidOperationException("The invalid instance must give 3 errors.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _valid.Dispose();
        _invalid.Dispose();
    }

    [Benchmark(Baseline = true, Description = "bare client, JSON schema")]
    public Task<ChatResponse> Bare() => _bare.GetResponseAsync(_messages, _schemaOptions);

    [Benchmark(Description = "JsonEnforcingChatClient, JSON schema, bare JSON answer")]
    public Task<ChatResponse> Enforcing() => _enforcing.GetResponseAsync(_messages, _schemaOptions);

    [Benchmark(Description = "JsonEnforcingChatClient, JSON schema, fenced answer in prose")]
    public Task<ChatResponse> EnforcingFenced() => _enforcingFenced.GetResponseAsync(_messages, _schemaOptions);

    [Benchmark(Description = "MEAI GetResponseAsync<T> on the bare client")]
    public async Task<CityAnswer> MeaiBare() => (await _bare.GetResponseAsync<CityAnswer>(_messages)).Result;

    [Benchmark(Description = "MEAI GetResponseAsync<T> through JsonEnforcingChatClient, fenced answer")]
    public async Task<CityAnswer> MeaiEnforcingFenced() => (await _enforcingFenced.GetResponseAsync<CityAnswer>(_messages)).Result;

    [Benchmark(Description = "JsonSchemaValidator.Validate, valid")]
    public int ValidateValid() => _validator.Validate(_valid.RootElement).Count;

    [Benchmark(Description = "JsonSchemaValidator.Validate, 3 errors")]
    public int ValidateInvalid() => _validator.Validate(_invalid.RootElement).Count;

    /// <summary>The small record whose schema the cases ask for.</summary>
    public sealed record CityAnswer(string City, string Country, int Population, bool IsCapital);

    /// <summary>Answers at once with a fixed text.</summary>
    private sealed class InstantChatClient(string answer) : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, answer)));

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException("The benchmark measures GetResponseAsync only.");

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
