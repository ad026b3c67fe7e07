using System.Net;
using LlmConnectors.TestServers.Anthropic;
using Microsoft.Extensions.AI;

namespace LlmConnectors.IntegrationTests.AnthropicConnector;

/// <summary>The <c>anthropic</c> leaf (the official Anthropic SDK's own <c>IChatClient</c>) against the scripted Messages API server.</summary>
public sealed class AnthropicConnectorChatClientTests : IAsyncLifetime
{
    private ScriptedAnthropicServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await ScriptedAnthropicServer.StartAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private AnthropicConnectorChatClient CreateClient(TransportRetryOptions? retry = null) => new(new AnthropicConnectorOptions
    {
        ApiKey = "sk-ant-test",
        Endpoint = new Uri(_server.BaseUrl),
        ModelId = "claude-haiku-4-5",
        Retry = retry ?? new TransportRetryOptions { Enabled = false },
    });

    [Fact]
    public async Task GetResponseAsync_ScriptedServer_SendsThroughTheSdkAndReportsAnthropicMetadata()
    {
        using var client = CreateClient();
        _server.Enqueue(ScriptedAnthropicReply.Text("Hello ", "there"));

        var response = await client.GetResponseAsync("Hi", cancellationToken: TestContext.Current.CancellationToken);

        var request = Assert.Single(_server.Requests);
        Assert.Equal("Hello there", response.Text);
        Assert.Contains(request.Headers, h => h.Value.Contains("sk-ant-test", StringComparison.Ordinal));
        Assert.Equal("claude-haiku-4-5", request.Model);
        Assert.Equal("anthropic", client.GetService<ChatClientMetadata>()?.ProviderName);
        var capabilities = await client.GetService<IModelCapabilityProvider>()!.GetModelCapabilitiesAsync(null, TestContext.Current.CancellationToken);
        Assert.True(capabilities!.SupportsImages);
        Assert.True(capabilities.SupportsTools);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_StreamedText_YieldsEveryPiece()
    {
        using var client = CreateClient();
        _server.Enqueue(ScriptedAnthropicReply.Text("Hel", "lo ", "world"));

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync("Hi", cancellationToken: TestContext.Current.CancellationToken))
        {
            updates.Add(update);
        }

        Assert.Equal("Hello world", string.Concat(updates.Select(u => u.Text)));
        Assert.True(Assert.Single(_server.Requests).Stream);
    }

    [Fact]
    public async Task FunctionInvocation_ToolUseThenAnswer_SendsTheToolResultBack()
    {
        using var leaf = CreateClient();
        using var client = leaf.AsBuilder().UseFunctionInvocation().Build();
        // The scripted server's tool_use block calls a tool named StructuredOutput with the given input.
        _server.Enqueue(ScriptedAnthropicReply.StructuredOutput("""{"city":"Paris"}"""), ScriptedAnthropicReply.Text("Sunny."));
        var seen = new List<string>();
        var options = new ChatOptions { Tools = [AIFunctionFactory.Create((string city) => { seen.Add(city); return "sunny"; }, "StructuredOutput")] };

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync("Weather?", options, TestContext.Current.CancellationToken))
        {
            updates.Add(update);
        }

        Assert.Equal(["Paris"], seen);
        Assert.Equal("Sunny.", string.Concat(updates.Select(u => u.Text)));
        Assert.Equal(2, _server.Requests.Count);
        Assert.Contains("StructuredOutput", _server.Requests[0].Tools);
        Assert.Contains("\"tool_result\"", _server.Requests[1].RawJson, StringComparison.Ordinal);
        Assert.Contains("toolu_scripted", _server.Requests[1].RawJson, StringComparison.Ordinal);
    }

    public static TheoryData<int, LlmErrorKind> Errors => new()
    {
        { 400, LlmErrorKind.InvalidRequest },
        { 401, LlmErrorKind.Authentication },
        { 404, LlmErrorKind.NotFound },
        { 429, LlmErrorKind.RateLimited },
        { 500, LlmErrorKind.ServerError },
        { 529, LlmErrorKind.Unavailable },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public async Task GetResponseAsync_ErrorStatus_MapsToLlmErrorKind(int status, LlmErrorKind expected)
    {
        using var client = CreateClient();
        _server.Enqueue(ScriptedAnthropicReply.Error((HttpStatusCode)status, "Scripted failure"));

        var error = await Assert.ThrowsAsync<LlmConnectorException>(() => client.GetResponseAsync("Hi", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(expected, error.Kind);
        Assert.Equal("anthropic", error.Provider);
        Assert.Equal((HttpStatusCode)status, error.StatusCode);
        Assert.Contains("Scripted failure", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-ant-test", error.Message, StringComparison.Ordinal);
        Assert.Equal(LlmConnectorException.IsTransientKind(expected), error.IsTransient);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_Overloaded_MapsToUnavailable()
    {
        using var client = CreateClient();
        _server.Enqueue(ScriptedAnthropicReply.Overloaded());

        var error = await Assert.ThrowsAsync<LlmConnectorException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync("Hi", cancellationToken: TestContext.Current.CancellationToken))
            {
                _ = update;
            }
        });

        Assert.Equal(LlmErrorKind.Unavailable, error.Kind);
        Assert.Equal("overloaded_error", error.ErrorType);
    }

    [Fact]
    public async Task GetResponseAsync_TransientFailure_IsRetriedByTheSdkAsConfigured()
    {
        using var client = CreateClient(new TransportRetryOptions { MaxRetryAttempts = 1 });
        _server.Enqueue(ScriptedAnthropicReply.Error(HttpStatusCode.TooManyRequests, "slow down", retryAfterSeconds: 0), ScriptedAnthropicReply.Text("after retry"));

        var response = await client.GetResponseAsync("Hi", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("after retry", response.Text);
        Assert.Equal(2, _server.Requests.Count);
    }
}
