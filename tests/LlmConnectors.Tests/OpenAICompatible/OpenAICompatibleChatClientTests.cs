using System.Net;
using LlmConnectors.OpenAICompatible;
using Microsoft.Extensions.AI;

namespace LlmConnectors.Tests.OpenAICompatible;

public class OpenAICompatibleChatClientTests
{
    private static (OpenAICompatibleChatClient Client, RecordingHandler Handler) Create()
    {
        var handler = new RecordingHandler();
        var client = new OpenAICompatibleChatClient(new OpenAICompatibleClientOptions
        {
            ProviderName = "claude-proxy",
            DisplayName = "The Claude proxy",
            Endpoint = new Uri("http://127.0.0.1:8080/v1"),
            HttpClient = new HttpClient(handler),
            DefaultModelId = "max/claude-sonnet",
            ApiKeySettingName = "ClaudeProxy:ApiKey",
            Retry = new TransportRetryOptions { Enabled = false },
            MapModelId = id => id.StartsWith("max/", StringComparison.Ordinal) ? id[4..] : id,
            ConfigureHttpRequest = request => request.Headers.Authorization = new("Bearer", "proxy-key"),
        });
        return (client, handler);
    }

    [Fact]
    public async Task BaseClient_PluggedEndpointAuthAndModelMapping_UsedOnTheWire()
    {
        var (client, handler) = Create();
        handler.EnqueueJson("""{"id":"chatcmpl-1","model":"claude-sonnet","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"ok"}}]}""");

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("ok", response.Text);
        Assert.Equal("http://127.0.0.1:8080/v1/chat/completions", handler.Requests[0].Uri.ToString());
        Assert.Equal("Bearer proxy-key", handler.Requests[0].Headers["Authorization"]);
        Assert.Equal("claude-sonnet", handler.Requests[0].Json().GetProperty("model").GetString());
        var metadata = Assert.IsType<ChatClientMetadata>(client.GetService(typeof(ChatClientMetadata)));
        Assert.Equal("claude-proxy", metadata.ProviderName);
        Assert.Equal("max/claude-sonnet", metadata.DefaultModelId);
    }

    [Fact]
    public async Task BaseClient_Unauthorized_MessageNamesTheProviderAndItsSetting()
    {
        var (client, handler) = Create();
        handler.Enqueue(HttpStatusCode.Unauthorized, """{"error":{"message":"bad key","type":"authentication_error"}}""");

        var ex = await Assert.ThrowsAsync<LlmConnectorException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal("claude-proxy", ex.Provider);
        Assert.Equal("authentication_error", ex.ErrorType);
        Assert.StartsWith("The Claude proxy answered HTTP 401 Unauthorized: bad key", ex.Message, StringComparison.Ordinal);
        Assert.Contains("ClaudeProxy:ApiKey", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("proxy-key", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BaseClient_ToolModeWithoutTools_SendsNoToolChoice()
    {
        var (client, handler) = Create();
        handler.EnqueueJson("""{"id":"x","choices":[]}""");

        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], new ChatOptions { ToolMode = ChatToolMode.RequireAny }, TestContext.Current.CancellationToken);

        Assert.False(handler.Requests[0].Json().TryGetProperty("tool_choice", out _));
    }

    [Fact]
    public void Constructor_RelativeEndpoint_ThrowsWithAnExample()
    {
        var ex = Assert.Throws<ArgumentException>("options", () => new OpenAICompatibleChatClient(new OpenAICompatibleClientOptions
        {
            ProviderName = "p",
            Endpoint = new Uri("/v1", UriKind.Relative),
            HttpClient = new HttpClient(),
        }));

        Assert.Contains("absolute", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentNullException>("options", () => new OpenAICompatibleChatClient(null!));
    }
}
