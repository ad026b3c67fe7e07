using System.Net;
using LlmConnectors.Tests.OpenAICompatible;
using Microsoft.Extensions.AI;
using static LlmConnectors.Tests.OpenRouter.OpenRouterTestData;

namespace LlmConnectors.Tests.OpenRouter;

public class OpenRouterChatClientErrorTests
{
    [Fact]
    public async Task GetResponseAsync_PaymentRequired_ThrowsTypedErrorWithoutRetrying()
    {
        var (client, handler) = CreateClient(o => o.Retry = new TransportRetryOptions { MaxRetryAttempts = 3, BaseDelay = TimeSpan.Zero, UseJitter = false });
        handler.Enqueue(HttpStatusCode.PaymentRequired, """{"error":{"code":402,"message":"This request requires more credits."}}""");

        var ex = await Assert.ThrowsAsync<LlmConnectorException>(() => client.GetResponseAsync("hi", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Single(handler.Requests);
        Assert.Equal(LlmErrorKind.PaymentRequired, ex.Kind);
        Assert.Equal(HttpStatusCode.PaymentRequired, ex.StatusCode);
        Assert.Equal("402", ex.ErrorCode);
        Assert.Equal("openrouter", ex.Provider);
        Assert.Equal("openai/gpt-4o-mini", ex.ModelId);
        Assert.Contains("requires more credits", ex.Message, StringComparison.Ordinal);
        Assert.False(ex.IsTransient);
    }

    [Fact]
    public async Task GetResponseAsync_Unauthorized_NamesTheSettingAndNeverTheKey()
    {
        var (client, handler) = CreateClient();
        handler.Enqueue(HttpStatusCode.Unauthorized, """{"error":{"code":401,"message":"No auth credentials found"}}""");

        var ex = await Assert.ThrowsAsync<LlmConnectorException>(() => client.GetResponseAsync("hi", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(LlmErrorKind.Authentication, ex.Kind);
        Assert.Contains("OpenRouter:ApiKey", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-or-test-secret", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_OkWithErrorBody_ThrowsWithProviderMetadata()
    {
        var (client, handler) = CreateClient();
        handler.EnqueueJson("""{"error":{"code":502,"message":"Upstream returned an invalid response","metadata":{"provider_name":"Together","raw":{"error":"bad gateway"}}}}""");

        var ex = await Assert.ThrowsAsync<LlmConnectorException>(() => client.GetResponseAsync("hi", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(LlmErrorKind.Unavailable, ex.Kind);
        Assert.Equal(HttpStatusCode.BadGateway, ex.StatusCode);
        Assert.Equal("Together", ex.ProviderMetadata!["provider_name"]);
        Assert.Equal("""{"error":"bad gateway"}""", ex.ProviderMetadata["raw"]);
        Assert.Contains("HTTP status 200", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_ModerationForbidden_IsContentFilteredWithReasons()
    {
        var (client, handler) = CreateClient();
        handler.Enqueue(HttpStatusCode.Forbidden, """{"error":{"code":403,"message":"Your input was flagged","metadata":{"reasons":["violence"],"flagged_input":"...","provider_name":"OpenAI"}}}""");

        var ex = await Assert.ThrowsAsync<LlmConnectorException>(() => client.GetResponseAsync("hi", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(LlmErrorKind.ContentFiltered, ex.Kind);
        Assert.Equal(HttpStatusCode.Forbidden, ex.StatusCode);
        Assert.Equal("""["violence"]""", ex.ProviderMetadata!["reasons"]);
        Assert.Equal("...", ex.ProviderMetadata["flagged_input"]);
    }

    [Fact]
    public async Task GetResponseAsync_RetryAfterDeltaSeconds_ReportedOnTheException()
    {
        var (client, handler) = CreateClient();
        handler.Enqueue(HttpStatusCode.TooManyRequests, """{"error":{"code":429,"message":"Rate limit exceeded"}}""", configure: r => r.Headers.Add("Retry-After", "7"));

        var ex = await Assert.ThrowsAsync<LlmConnectorException>(() => client.GetResponseAsync("hi", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(LlmErrorKind.RateLimited, ex.Kind);
        Assert.Equal(TimeSpan.FromSeconds(7), ex.RetryAfter);
        Assert.True(ex.IsTransient);
    }

    [Fact]
    public async Task GetResponseAsync_RetryAfterHttpDate_ConvertedToADelay()
    {
        var clock = new ImmediateTimeProvider();
        var (client, handler) = CreateClient(o => o.TimeProvider = clock);
        handler.Enqueue(HttpStatusCode.ServiceUnavailable, "{}", configure: r => r.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(clock.Now.AddSeconds(30)));

        var ex = await Assert.ThrowsAsync<LlmConnectorException>(() => client.GetResponseAsync("hi", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(TimeSpan.FromSeconds(30), ex.RetryAfter);
        Assert.Equal(LlmErrorKind.Unavailable, ex.Kind);
    }

    [Fact]
    public async Task GetResponseAsync_NonJsonErrorBody_QuotedInTheMessage()
    {
        var (client, handler) = CreateClient();
        handler.Enqueue(HttpStatusCode.BadGateway, "<html>Bad Gateway from nginx</html>", "text/html");

        var ex = await Assert.ThrowsAsync<LlmConnectorException>(() => client.GetResponseAsync("hi", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("HTTP 502 Bad Gateway", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Bad Gateway from nginx", ex.Message, StringComparison.Ordinal);
        Assert.Null(ex.ErrorCode);
    }

    [Fact]
    public async Task GetResponseAsync_RateLimitedThenSuccess_RetriesAfterTheRetryAfterDelay()
    {
        var clock = new ImmediateTimeProvider();
        var (client, handler) = CreateClient(o =>
        {
            o.TimeProvider = clock;
            o.Retry = new TransportRetryOptions { MaxRetryAttempts = 2, BaseDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromSeconds(30) };
        });
        handler
            .Enqueue(HttpStatusCode.TooManyRequests, """{"error":{"code":429,"message":"slow down"}}""", configure: r => r.Headers.Add("Retry-After", "2"))
            .EnqueueJson(Completion);

        var response = await client.GetResponseAsync("hi", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("Hello!", response.Text);
        Assert.Equal(2, handler.Requests.Count);
        Assert.Equal(handler.Requests[0].Body, handler.Requests[1].Body);
        Assert.Contains(TimeSpan.FromSeconds(2), clock.DueTimes);
    }

    [Fact]
    public async Task GetResponseAsync_NetworkFaultEveryTime_ThrowsNetworkErrorAfterTheRetries()
    {
        var clock = new ImmediateTimeProvider();
        var (client, handler) = CreateClient(o =>
        {
            o.TimeProvider = clock;
            o.Retry = new TransportRetryOptions { MaxRetryAttempts = 2, BaseDelay = TimeSpan.FromMilliseconds(1) };
        });
        handler.Throw = new HttpRequestException("Connection refused");

        var ex = await Assert.ThrowsAsync<LlmConnectorException>(() => client.GetResponseAsync("hi", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(3, handler.Requests.Count);
        Assert.Equal(LlmErrorKind.Network, ex.Kind);
        Assert.IsType<HttpRequestException>(ex.InnerException);
        Assert.Contains("Connection refused", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ServiceUnavailableBeforeTheStream_RetriedThenStreams()
    {
        var clock = new ImmediateTimeProvider();
        var (client, handler) = CreateClient(o =>
        {
            o.TimeProvider = clock;
            o.Retry = new TransportRetryOptions { MaxRetryAttempts = 1, BaseDelay = TimeSpan.FromMilliseconds(1) };
        });
        handler.Enqueue(HttpStatusCode.ServiceUnavailable, "{}").EnqueueSse(Sse(Chunk("""{"content":"ok"}"""), "[DONE]"));

        var text = string.Empty;
        await foreach (var update in client.GetStreamingResponseAsync("hi", cancellationToken: TestContext.Current.CancellationToken))
        {
            text += update.Text;
        }

        Assert.Equal("ok", text);
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task GetResponseAsync_CallerCancels_ThrowsOperationCanceledWithoutRetry()
    {
        var (client, handler) = CreateClient(o => o.Retry = new TransportRetryOptions { MaxRetryAttempts = 3 });
        handler.EnqueueJson(Completion);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetResponseAsync("hi", cancellationToken: cts.Token));
    }
}
