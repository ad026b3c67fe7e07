using System.ClientModel;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using LlmConnectors.TestServers.Anthropic;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Chat;
using ChatMessage = Microsoft.Extensions.AI.ChatMessage;
using ChatResponseFormat = OpenAI.Chat.ChatResponseFormat;
using LlmConnectors.TestServers;

namespace LlmConnectors.IntegrationTests.ClaudeProxy;

/// <summary>One real proxy process with a warm CLI pool, the real Claude CLI and the scripted Anthropic backend, shared by the end-to-end tests.</summary>
public sealed class ClaudeProxyEndToEndFixture : IAsyncLifetime
{
    public ScriptedAnthropicServer Backend { get; private set; } = null!;

    public ProxyProcess Proxy { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Backend = await ScriptedAnthropicServer.StartAsync(TestContext.Current.CancellationToken);
        // The CLI client's own transport retries are switched off, so that a scripted upstream failure reaches the proxy's error mapping.
        Proxy = await ProxyProcess.StartAsync(Backend, new Dictionary<string, string> { ["ClaudeProxy__Cli__Retry__Enabled"] = "false" });
    }

    public async ValueTask DisposeAsync()
    {
        var children = Proxy.ClaudeDescendants();
        await Proxy.DisposeAsync();
        await Backend.DisposeAsync();
        foreach (var pid in children)
        {
            Assert.False(ProcessTree.IsAlive(pid), $"Claude CLI process {pid} survived the proxy's shutdown.");
        }
    }
}

public class ClaudeProxyEndToEndTests(ClaudeProxyEndToEndFixture fixture) : IClassFixture<ClaudeProxyEndToEndFixture>
{
    private ChatClient OpenAIChatClient(string model = "sonnet", string key = ProxyProcess.ApiKey) =>
        new(model, new ApiKeyCredential(key), new OpenAIClientOptions { Endpoint = new Uri(fixture.Proxy.BaseUrl + "/v1") });

    private ClaudeProxyChatClient ProxyChatClient(string? key = ProxyProcess.ApiKey, string model = "max/sonnet") =>
        new(new ClaudeProxyClientOptions { Endpoint = new Uri(fixture.Proxy.BaseUrl + "/v1"), ApiKey = key, ModelId = model, Retry = new TransportRetryOptions { Enabled = false } });

    [Fact]
    public async Task OpenAISdk_NonStreaming_ReturnsTheBackendsAnswer()
    {
        fixture.Backend.Enqueue(ScriptedAnthropicReply.Text("Bonjour ", "le ", "monde"));

        var completion = (await OpenAIChatClient().CompleteChatAsync([new SystemChatMessage("Be brief."), new UserChatMessage("Say hello in French")], cancellationToken: TestContext.Current.CancellationToken)).Value;

        Assert.Equal("Bonjour le monde", completion.Content[0].Text);
        Assert.Equal(OpenAI.Chat.ChatFinishReason.Stop, completion.FinishReason);
        Assert.Equal(5, completion.Usage.OutputTokenCount);
        var sent = fixture.Backend.Requests[^1];
        Assert.Contains("Say hello in French", JsonSerializer.Serialize(sent), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAISdk_Streaming_ReturnsTheAnswerInChunks()
    {
        fixture.Backend.Enqueue(ScriptedAnthropicReply.Text("one ", "two ", "three"));
        var text = new StringBuilder();
        var updates = 0;
        ChatTokenUsage? usage = null;

        await foreach (var update in OpenAIChatClient().CompleteChatStreamingAsync([new UserChatMessage("Count")], cancellationToken: TestContext.Current.CancellationToken))
        {
            updates++;
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            usage ??= update.Usage;
        }

        Assert.Equal("one two three", text.ToString());
        Assert.True(updates >= 3);
        Assert.NotNull(usage);
        Assert.Equal(5, usage.OutputTokenCount);
    }

    [Fact]
    public async Task OpenAISdk_JsonSchema_ReturnsTheCliStructuredOutput()
    {
        fixture.Backend.Enqueue(ScriptedAnthropicReply.StructuredOutput("""{"name":"Ada","age":36}"""));
        var schema = BinaryData.FromString("""{"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer"}},"required":["name","age"]}""");
        var options = new ChatCompletionOptions { ResponseFormat = ChatResponseFormat.CreateJsonSchemaFormat("person", schema) };

        var completion = (await OpenAIChatClient().CompleteChatAsync([new UserChatMessage("Who wrote the first program?")], options, TestContext.Current.CancellationToken)).Value;

        using var json = JsonDocument.Parse(completion.Content[0].Text);
        Assert.Equal("Ada", json.RootElement.GetProperty("name").GetString());
        Assert.Equal(36, json.RootElement.GetProperty("age").GetInt32());
    }

    [Fact]
    public async Task OpenAISdk_UnknownModel_Gets404ModelNotFound()
    {
        var e = await Assert.ThrowsAsync<ClientResultException>(() => OpenAIChatClient("gpt-4o").CompleteChatAsync([new UserChatMessage("Hi")], cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(404, e.Status);
        Assert.Contains("model_not_found", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAISdk_WrongKey_Gets401()
    {
        var e = await Assert.ThrowsAsync<ClientResultException>(() => OpenAIChatClient(key: "not-the-key-000000000000").CompleteChatAsync([new UserChatMessage("Hi")], cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(401, e.Status);
    }

    [Fact]
    public async Task ClaudeProxyChatClient_NonStreaming_StripsMaxPrefixAndReturnsUsage()
    {
        fixture.Backend.Enqueue(ScriptedAnthropicReply.Text("Hi ", "there"));
        using var client = ProxyChatClient();

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hello")], cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("Hi there", response.Text);
        Assert.Equal(5, response.Usage!.OutputTokenCount);
        Assert.Equal("claude-proxy", client.GetService<ChatClientMetadata>()!.ProviderName);
    }

    [Fact]
    public async Task ClaudeProxyChatClient_Streaming_ReturnsUpdates()
    {
        fixture.Backend.Enqueue(ScriptedAnthropicReply.Text("a", "b", "c"));
        using var client = ProxyChatClient();
        var text = new StringBuilder();

        await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hello")], cancellationToken: TestContext.Current.CancellationToken))
        {
            text.Append(update.Text);
        }

        Assert.Equal("abc", text.ToString());
    }

    [Fact]
    public async Task ClaudeProxyChatClient_BackendOverloaded_ThrowsTypedUnavailable()
    {
        fixture.Backend.Enqueue(ScriptedAnthropicReply.Overloaded());
        using var client = ProxyChatClient();

        var e = await Assert.ThrowsAsync<LlmConnectorException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hello")], cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal("claude-proxy", e.Provider);
        Assert.Equal(HttpStatusCode.BadGateway, e.StatusCode);
        Assert.True(e.IsTransient);
    }

    [Fact]
    public async Task ClaudeProxyChatClient_WrongKeyOrUnknownModel_ThrowTypedErrors()
    {
        using var wrongKey = ProxyChatClient(key: "not-the-key-000000000000");
        using var unknownModel = ProxyChatClient(model: "max/gpt-4o");

        var auth = await Assert.ThrowsAsync<LlmConnectorException>(() => wrongKey.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi")], cancellationToken: TestContext.Current.CancellationToken));
        var notFound = await Assert.ThrowsAsync<LlmConnectorException>(() => unknownModel.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi")], cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(LlmErrorKind.Authentication, auth.Kind);
        Assert.DoesNotContain("not-the-key", auth.Message, StringComparison.Ordinal);
        Assert.Equal(LlmErrorKind.NotFound, notFound.Kind);
        Assert.Equal("model_not_found", notFound.ErrorCode);
    }

    [Fact]
    public async Task ClaudeProxyChatClient_ListModels_ReturnsTheProxysModels()
    {
        using var client = ProxyChatClient();

        var models = await client.ListModelsAsync(TestContext.Current.CancellationToken);

        Assert.Contains("sonnet", models);
        Assert.Contains("opus", models);
    }

    [Fact]
    public async Task Readiness_ReportsTheCliVersionAndLogin()
    {
        using var http = new HttpClient();

        var response = await http.GetAsync(fixture.Proxy.BaseUrl + "/health/ready", TestContext.Current.CancellationToken);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ready", body.GetProperty("status").GetString());
        Assert.True(body.GetProperty("checks").GetProperty("cli_found").GetBoolean());
        Assert.Equal("2.1.330", body.GetProperty("checks").GetProperty("cli_version").GetString());
    }

    [Fact]
    public async Task Abuse_MalformedAndOversizedBodies_GetJsonErrorsFromTheRealServer()
    {
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ProxyProcess.ApiKey);

        using var truncated = new StringContent("{\"model\":\"sonnet\",\"messages\":[{\"role\":\"us", Encoding.UTF8, "application/json");
        var truncatedResponse = await http.PostAsync(fixture.Proxy.BaseUrl + "/v1/chat/completions", truncated, TestContext.Current.CancellationToken);
        using var big = new StringContent("{\"model\":\"sonnet\",\"messages\":[{\"role\":\"user\",\"content\":\"" + new string('a', 10 * 1024 * 1024) + "\"}]}", Encoding.UTF8, "application/json");
        var bigResponse = await http.PostAsync(fixture.Proxy.BaseUrl + "/v1/chat/completions", big, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, truncatedResponse.StatusCode);
        Assert.Contains("invalid_json", await truncatedResponse.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, bigResponse.StatusCode);
        Assert.Contains("request_too_large", await bigResponse.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }
}
