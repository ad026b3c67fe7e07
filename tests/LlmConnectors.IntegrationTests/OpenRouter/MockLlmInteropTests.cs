using Microsoft.Extensions.AI;

namespace LlmConnectors.IntegrationTests.OpenRouter;

/// <summary>The OpenRouter client against a server nobody here wrote: the real <c>@dwmkerr/mock-llm</c> as a plain OpenAI-compatible upstream.</summary>
public sealed class MockLlmInteropTests : IAsyncLifetime
{
    private MockLlmServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await MockLlmServer.StartAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private OpenRouterChatClient CreateClient() => new(new OpenRouterClientOptions
    {
        ApiKey = "sk-mock",
        ModelId = "gpt-4o-mini",
        Endpoint = _server.Endpoint,
        Retry = new TransportRetryOptions { Enabled = false },
    });

    [Fact]
    public async Task MockLlm_NonStreamingStreamingModelsAndErrors_WorkThroughTheClient()
    {
        using var client = CreateClient();
        var token = TestContext.Current.CancellationToken;

        var response = await client.GetResponseAsync("Hello from the dotnet client", cancellationToken: token);
        var streamed = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync("Streaming through mock llm", cancellationToken: token))
        {
            streamed.Add(update);
        }

        var models = await client.ListModelsAsync(token);
        var error = await Assert.ThrowsAsync<LlmConnectorException>(() => client.GetResponseAsync("please error-429", cancellationToken: token));

        Assert.Equal("Hello from the dotnet client", response.Text);
        Assert.Equal("gpt-4o-mini", response.ModelId);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal(5, response.Usage!.TotalTokenCount);
        Assert.True(streamed.Count > 1);
        Assert.Equal("Streaming through mock llm", string.Concat(streamed.Select(u => u.Text)));
        Assert.Equal(ChatFinishReason.Stop, streamed.ToChatResponse().FinishReason);
        Assert.Equal("gpt-4o-mini", Assert.Single(models).Id);
        Assert.Equal(LlmErrorKind.RateLimited, error.Kind);
        Assert.Equal("rate_limit_exceeded", error.ErrorCode);
        Assert.Equal("rate_limit_error", error.ErrorType);
        Assert.Contains("Rate limit reached", error.Message, StringComparison.Ordinal);
    }
}
