using Microsoft.Extensions.AI;

namespace LlmConnectors.Tests.RateLimiting;

public sealed class ConcurrencyLimitingChatClientTests
{
    [Fact]
    public async Task GetResponseAsync_MoreRequestsThanSlots_WaitFirstInFirstOutAndRejectWhenQueueIsFull()
    {
        var inner = new GatedChatClient();
        using var client = new ConcurrencyLimitingChatClient(inner, new ChatRequestLimitOptions { MaxConcurrentRequests = 1, QueueLimit = 2 });
        var token = TestContext.Current.CancellationToken;

        var a = client.GetResponseAsync("a", cancellationToken: token);
        await inner.WaitForArrivalAsync("a");
        var b = client.GetResponseAsync("b", cancellationToken: token);
        var c = client.GetResponseAsync("c", cancellationToken: token);
        var rejected = await Assert.ThrowsAsync<LlmConnectorException>(() => client.GetResponseAsync("d", cancellationToken: token));

        Assert.Equal(2, client.GetStatistics()!.CurrentQueuedCount);
        Assert.Equal(["a"], inner.Arrivals);
        inner.Open("a");
        inner.Open("b");
        inner.Open("c");
        Assert.Equal(["a", "b", "c"], (await Task.WhenAll(a, b, c)).Select(r => r.Text));
        Assert.Equal(["a", "b", "c"], inner.Arrivals);
        Assert.Equal(LlmErrorKind.RateLimited, rejected.Kind);
        Assert.True(rejected.IsTransient);
        Assert.Equal("gated", rejected.Provider);
        Assert.Equal("local_queue_full", rejected.ErrorCode);
        Assert.NotNull(rejected.RetryAfter);
        Assert.Contains("Limits:QueueLimit", rejected.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_SlotIsHeldUntilTheStreamEnds()
    {
        var inner = new GatedChatClient();
        using var client = new ConcurrencyLimitingChatClient(inner, new ChatRequestLimitOptions { MaxConcurrentRequests = 1, QueueLimit = 1 });
        var token = TestContext.Current.CancellationToken;

        var stream = client.GetStreamingResponseAsync("s", cancellationToken: token).GetAsyncEnumerator(token);
        Assert.True(await stream.MoveNextAsync());
        var waiting = client.GetResponseAsync("w", cancellationToken: token);

        Assert.Equal(["s"], inner.Arrivals);
        inner.Open("s");
        Assert.True(await stream.MoveNextAsync());
        Assert.False(await stream.MoveNextAsync());
        await stream.DisposeAsync();
        await inner.WaitForArrivalAsync("w");
        inner.Open("w");
        Assert.Equal("w", (await waiting).Text);
    }

    [Fact]
    public async Task GetResponseAsync_WaitingRequestCancelled_LeavesTheQueue()
    {
        var inner = new GatedChatClient();
        using var client = new ConcurrencyLimitingChatClient(inner, new ChatRequestLimitOptions { MaxConcurrentRequests = 1, QueueLimit = 1 });
        var token = TestContext.Current.CancellationToken;
        using var cancel = new CancellationTokenSource();

        var running = client.GetResponseAsync("a", cancellationToken: token);
        await inner.WaitForArrivalAsync("a");
        var cancelled = client.GetResponseAsync("b", cancellationToken: cancel.Token);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        var next = client.GetResponseAsync("c", cancellationToken: token);
        inner.Open("a");
        inner.Open("c");

        Assert.Equal("c", (await next).Text);
        Assert.Equal("a", (await running).Text);
        Assert.DoesNotContain("b", inner.Arrivals);
    }

    [Fact]
    public async Task GetResponseAsync_RequestsPerMinuteSpent_RejectsWithTheLimitersRetryHint()
    {
        var inner = new GatedChatClient();
        inner.Open("one");
        using var client = new ConcurrencyLimitingChatClient(inner, new ChatRequestLimitOptions { RequestsPerMinute = 1, QueueLimit = 0 });
        var token = TestContext.Current.CancellationToken;

        await client.GetResponseAsync("one", cancellationToken: token);
        var error = await Assert.ThrowsAsync<LlmConnectorException>(() => client.GetResponseAsync("two", cancellationToken: token));

        Assert.Equal(LlmErrorKind.RateLimited, error.Kind);
        Assert.Contains("RequestsPerMinute", error.Message, StringComparison.Ordinal);
        Assert.True(error.RetryAfter > TimeSpan.Zero);
    }

    [Fact]
    public async Task GetResponseAsync_TokensPerMinuteSpent_RejectsTheNextPrompt()
    {
        var inner = new GatedChatClient();
        var prompt = new string('x', 400);
        inner.Open(prompt);
        using var client = new ConcurrencyLimitingChatClient(inner, new ChatRequestLimitOptions { TokensPerMinute = 100, QueueLimit = 0 });
        var token = TestContext.Current.CancellationToken;

        await client.GetResponseAsync(prompt, cancellationToken: token);
        var error = await Assert.ThrowsAsync<LlmConnectorException>(() => client.GetResponseAsync(prompt, cancellationToken: token));

        Assert.Contains("TokensPerMinute", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EstimatePromptTokens_TextAndInstructions_CountsFourCharactersPerTokenWithinTheBudget()
    {
        List<ChatMessage> messages = [new(ChatRole.User, new string('a', 40)), new(ChatRole.Assistant, new string('b', 38))];

        Assert.Equal(22, ConcurrencyLimitingChatClient.EstimatePromptTokens(messages, new ChatOptions { Instructions = "abcdefgh" }, 1000));
        Assert.Equal(10, ConcurrencyLimitingChatClient.EstimatePromptTokens(messages, null, 10));
        Assert.Equal(1, ConcurrencyLimitingChatClient.EstimatePromptTokens([], null, 10));
    }

    [Fact]
    public void Constructor_InvalidLimits_ThrowsNamingEverySetting()
    {
        var error = Assert.Throws<ArgumentException>("options", () => new ConcurrencyLimitingChatClient(
            new GatedChatClient(), new ChatRequestLimitOptions { MaxConcurrentRequests = 0, QueueLimit = -1, RequestsPerMinute = 0, TokensPerMinute = 0 }));

        Assert.Contains("Limits:MaxConcurrentRequests is 0", error.Message, StringComparison.Ordinal);
        Assert.Contains("Limits:QueueLimit is -1", error.Message, StringComparison.Ordinal);
        Assert.Contains("Limits:RequestsPerMinute is 0", error.Message, StringComparison.Ordinal);
        Assert.Contains("Limits:TokensPerMinute is 0", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentNullException>("innerClient", () => new ConcurrencyLimitingChatClient(null!));
    }

    [Fact]
    public void UseConcurrencyLimit_OnMeaiBuilder_AddsTheMiddlewareAndRunsConfigure()
    {
        ConcurrencyLimitingChatClient? configured = null;
        using var client = new GatedChatClient().AsBuilder()
            .UseConcurrencyLimit(new ChatRequestLimitOptions { MaxConcurrentRequests = 3 }, configure: c => configured = c)
            .Build();

        var limiter = client.GetService<ConcurrencyLimitingChatClient>();

        Assert.Same(configured, limiter);
        Assert.Equal(3, limiter!.Options.MaxConcurrentRequests);
        Assert.Equal(3, limiter.GetStatistics()!.CurrentAvailablePermits);
    }

    [Fact]
    public async Task RejectWaitingRequests_WaitingAndLaterRequestsFailAtOnce_RunningOneGoesOn()
    {
        var inner = new GatedChatClient();
        using var client = new ConcurrencyLimitingChatClient(inner, new ChatRequestLimitOptions { MaxConcurrentRequests = 1, QueueLimit = 4 });
        var token = TestContext.Current.CancellationToken;

        var running = client.GetResponseAsync("a", cancellationToken: token);
        await inner.WaitForArrivalAsync("a");
        var waiting = client.GetResponseAsync("b", cancellationToken: token);
        Assert.Equal((1, 1), (client.ActiveCount, client.QueuedCount));
        client.RejectWaitingRequests();
        var rejected = await Assert.ThrowsAsync<LlmConnectorException>(() => waiting);
        var later = await Assert.ThrowsAsync<LlmConnectorException>(() => client.GetResponseAsync("c", cancellationToken: token));
        inner.Open("a");

        Assert.Equal("a", (await running).Text);
        Assert.Equal(LlmErrorKind.Unavailable, rejected.Kind);
        Assert.Equal("shutting_down", rejected.ErrorCode);
        Assert.Equal("shutting_down", later.ErrorCode);
        Assert.True(client.IsRejectingWaitingRequests);
        Assert.Equal(["a"], inner.Arrivals);
        Assert.Equal((0, 0), (client.ActiveCount, client.QueuedCount));
    }

    [Fact]
    public async Task ActiveAndQueuedCount_AreLive()
    {
        var inner = new GatedChatClient();
        using var client = new ConcurrencyLimitingChatClient(inner, new ChatRequestLimitOptions { MaxConcurrentRequests = 2, QueueLimit = 4 });
        var token = TestContext.Current.CancellationToken;

        var a = client.GetResponseAsync("a", cancellationToken: token);
        var b = client.GetResponseAsync("b", cancellationToken: token);
        await inner.WaitForArrivalAsync("a");
        await inner.WaitForArrivalAsync("b");
        var c = client.GetResponseAsync("c", cancellationToken: token);
        var during = (client.ActiveCount, client.QueuedCount);
        inner.Open("a");
        inner.Open("b");
        inner.Open("c");
        await Task.WhenAll(a, b, c);

        Assert.Equal((2, 1), during);
        Assert.Equal((0, 0), (client.ActiveCount, client.QueuedCount));
    }

    [Fact]
    public async Task QueueFullRetryAfter_NoHistory_IsTheConfiguredFloor()
    {
        var inner = new GatedChatClient();
        using var client = new ConcurrencyLimitingChatClient(inner, new ChatRequestLimitOptions { MaxConcurrentRequests = 1, QueueLimit = 0, QueueFullRetryAfter = TimeSpan.FromSeconds(3) });
        var token = TestContext.Current.CancellationToken;

        var running = client.GetResponseAsync("a", cancellationToken: token);
        await inner.WaitForArrivalAsync("a");
        var rejected = await Assert.ThrowsAsync<LlmConnectorException>(() => client.GetResponseAsync("b", cancellationToken: token));
        inner.Open("a");
        await running;

        Assert.Equal(TimeSpan.FromSeconds(3), rejected.RetryAfter);
        Assert.True(client.QueueFullRetryAfter >= TimeSpan.FromSeconds(3));
    }

    [Fact]
    public void Options_QueueFullRetryAfterNotPositive_NamesTheSetting()
    {
        var errors = new ChatRequestLimitOptions { QueueFullRetryAfter = TimeSpan.Zero }.Validate("OpenAI:Limits");

        Assert.Contains(errors, e => e.StartsWith("OpenAI:Limits:QueueFullRetryAfter is 00:00:00", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CreateRejection_WordsTheRejectionForTheHost()
    {
        var inner = new GatedChatClient();
        using var client = new ConcurrencyLimitingChatClient(inner, new ChatRequestLimitOptions { MaxConcurrentRequests = 1, QueueLimit = 0 })
        {
            CreateRejection = r => new InvalidOperationException($"{r.LimitName} {r.ShuttingDown} {r.RetryAfter}"),
        };
        var token = TestContext.Current.CancellationToken;

        var running = client.GetResponseAsync("a", cancellationToken: token);
        await inner.WaitForArrivalAsync("a");
        var rejected = await Assert.ThrowsAsync<InvalidOperationException>(() => client.GetResponseAsync("b", cancellationToken: token));
        inner.Open("a");
        await running;

        Assert.Equal("MaxConcurrentRequests False 00:00:01", rejected.Message);
    }
}
