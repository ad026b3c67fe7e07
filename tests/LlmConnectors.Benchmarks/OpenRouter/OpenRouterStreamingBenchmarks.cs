using System.ClientModel;
using System.ClientModel.Primitives;
using BenchmarkDotNet.Attributes;
using LlmConnectors.TestServers.OpenRouter;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Chat;
using MeaiChatMessage = Microsoft.Extensions.AI.ChatMessage;

namespace LlmConnectors.Benchmarks.OpenRouter;

/// <summary>
/// Parses one recorded 2,000-chunk OpenRouter SSE response (comments, usage chunk, <c>[DONE]</c>) with this pack's
/// <see cref="OpenRouterChatClient"/> streaming path and with the official OpenAI .NET SDK (2.15.0)
/// <c>ChatClient.CompleteChatStreamingAsync</c>, and with Microsoft.Extensions.AI.OpenAI's own <c>OpenAIChatClient</c>
/// (<c>AsIChatClient()</c> on that SDK client, the <see cref="IChatClient"/> a user would pick instead), all from the same bytes
/// through an in-memory <see cref="HttpMessageHandler"/>.
/// </summary>
[MemoryDiagnoser]
public class OpenRouterStreamingBenchmarks
{
    private const string Model = "openai/gpt-4o-mini";
    private readonly List<MeaiChatMessage> _messages = [new(ChatRole.User, "Tell me about the fox.")];
    private readonly List<OpenAI.Chat.ChatMessage> _sdkMessages = [new UserChatMessage("Tell me about the fox.")];
    private OpenRouterChatClient _client = null!;
    private ChatClient _sdk = null!;
    private IChatClient _meai = null!;

    /// <summary>Gets or sets the number of text chunks in the recorded response.</summary>
    [Params(2000)]
    public int Chunks { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var body = OpenRouterScripts.LargeStream(Chunks).GetBodyBytes();
        _client = new OpenRouterChatClient(new OpenRouterClientOptions
        {
            ApiKey = "sk-or-benchmark",
            ModelId = Model,
            HttpClient = new HttpClient(new ReplayHandler(body)),
            Retry = new TransportRetryOptions { Enabled = false },
        });
        _sdk = new ChatClient(Model, new ApiKeyCredential("sk-or-benchmark"), new OpenAIClientOptions
        {
            Endpoint = OpenRouterClientOptions.DefaultEndpoint,
            Transport = new HttpClientPipelineTransport(new HttpClient(new ReplayHandler(body))),
            RetryPolicy = new ClientRetryPolicy(0),
        });
        _meai = new ChatClient(Model, new ApiKeyCredential("sk-or-benchmark"), new OpenAIClientOptions
        {
            Endpoint = OpenRouterClientOptions.DefaultEndpoint,
            Transport = new HttpClientPipelineTransport(new HttpClient(new ReplayHandler(body))),
            RetryPolicy = new ClientRetryPolicy(0),
        }).AsIChatClient();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _client.Dispose();
        _meai.Dispose();
    }

    [Benchmark(Baseline = true, Description = "OpenAI SDK 2.15.0 CompleteChatStreamingAsync")]
    public async Task<int> OpenAISdk()
    {
        var characters = 0;
        await foreach (var update in _sdk.CompleteChatStreamingAsync(_sdkMessages))
        {
            foreach (var part in update.ContentUpdate)
            {
                characters += part.Text.Length;
            }
        }

        return characters;
    }

    [Benchmark(Description = "MEAI.OpenAI 10.11.0 OpenAIChatClient GetStreamingResponseAsync")]
    public Task<int> MeaiOpenAIChatClient() => CountTextAsync(_meai);

    [Benchmark(Description = "LlmConnectors OpenRouterChatClient GetStreamingResponseAsync")]
    public Task<int> LlmConnectors() => CountTextAsync(_client);

    private async Task<int> CountTextAsync(IChatClient client)
    {
        var characters = 0;
        await foreach (var update in client.GetStreamingResponseAsync(_messages))
        {
            foreach (var content in update.Contents)
            {
                if (content is TextContent text)
                {
                    characters += text.Text.Length;
                }
            }
        }

        return characters;
    }
}
