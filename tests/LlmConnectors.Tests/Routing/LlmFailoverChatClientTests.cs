using System.Net;
using LlmConnectors.Tests.OpenAICompatible;
using Microsoft.Extensions.AI;

namespace LlmConnectors.Tests.Routing;

public class LlmFailoverChatClientTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly ScriptedChatClient _primary = new("primary-provider");
    private readonly ScriptedChatClient _second = new("second-provider");
    private readonly ScriptedChatClient _third = new("third-provider");

    private LlmFailoverChatClient Create() => new LlmFailoverChatClient(_primary).AddFallback(_second).AddFallback(_third, modelId: "third-model", name: "third");

    private static LlmConnectorException Error(LlmErrorKind kind, int? status = null) =>
        new($"provider said {kind}", kind, "test", status is null ? null : (HttpStatusCode)status);

    public static TheoryData<LlmErrorKind> FailoverKinds() => new(
        LlmErrorKind.RateLimited, LlmErrorKind.ServerError, LlmErrorKind.Unavailable, LlmErrorKind.Timeout, LlmErrorKind.Network,
        LlmErrorKind.Authentication, LlmErrorKind.PaymentRequired, LlmErrorKind.PermissionDenied, LlmErrorKind.NotFound,
        LlmErrorKind.ProcessFailed, LlmErrorKind.NotInstalled, LlmErrorKind.ProtocolError);

    [Theory]
    [MemberData(nameof(FailoverKinds))]
    public async Task GetResponseAsync_FailoverKind_TriesNext(LlmErrorKind kind)
    {
        _primary.Fail(Error(kind));
        using var client = Create();

        var response = await client.GetResponseAsync("hi", cancellationToken: Ct);

        Assert.Equal("second-provider default", response.Text);
        Assert.Equal("second-provider", response.AdditionalProperties![LlmFailoverChatClient.ServedByPropertyName]);
        Assert.Equal(1, response.AdditionalProperties[LlmFailoverChatClient.ServedByIndexPropertyName]);
        var skipped = Assert.IsType<string[]>(response.AdditionalProperties[LlmFailoverChatClient.SkippedFailuresPropertyName]);
        Assert.Equal($"primary-provider: {kind}: provider said {kind}", Assert.Single(skipped));
    }

    [Theory]
    [InlineData(LlmErrorKind.InvalidRequest)]
    [InlineData(LlmErrorKind.RequestTooLarge)]
    [InlineData(LlmErrorKind.ContentFiltered)]
    [InlineData(LlmErrorKind.Unknown)]
    public async Task GetResponseAsync_NonFailoverKind_ThrowsOriginal(LlmErrorKind kind)
    {
        var error = Error(kind);
        _primary.Fail(error);
        using var client = Create();

        var ex = await Assert.ThrowsAsync<LlmConnectorException>(() => client.GetResponseAsync("hi", cancellationToken: Ct));

        Assert.Same(error, ex);
        Assert.Empty(_second.Calls);
    }

    [Fact]
    public async Task GetResponseAsync_NeverKindsIgnoredEvenIfConfigured()
    {
        _primary.Fail(Error(LlmErrorKind.InvalidRequest));
        using var client = Create();
        client.FailoverOn.Add(LlmErrorKind.InvalidRequest);

        await Assert.ThrowsAsync<LlmConnectorException>(() => client.GetResponseAsync("hi", cancellationToken: Ct));
        Assert.Empty(_second.Calls);
    }

    [Fact]
    public async Task GetResponseAsync_ProviderSpecificKindRemovedFromSet_NoFailover()
    {
        _primary.Fail(Error(LlmErrorKind.Authentication));
        using var client = Create();
        client.FailoverOn.Remove(LlmErrorKind.Authentication);

        var ex = await Assert.ThrowsAsync<LlmConnectorException>(() => client.GetResponseAsync("hi", cancellationToken: Ct));

        Assert.Equal(LlmErrorKind.Authentication, ex.Kind);
        Assert.Empty(_second.Calls);
    }

    [Fact]
    public async Task GetResponseAsync_HttpRequestAndTimeoutExceptions_FailOver()
    {
        _primary.Fail(new HttpRequestException("connection refused"));
        _second.Fail(new TimeoutException("slow"));
        using var client = Create();

        var response = await client.GetResponseAsync("hi", cancellationToken: Ct);

        Assert.Equal("third", response.AdditionalProperties![LlmFailoverChatClient.ServedByPropertyName]);
        Assert.Equal("third-model", _third.Calls[0].Options!.ModelId);
    }

    [Fact]
    public async Task GetResponseAsync_TimeoutNotFromCaller_FailsOver()
    {
        _primary.Fail(new TaskCanceledException("HttpClient.Timeout elapsed", new TimeoutException()));
        using var client = Create();

        var response = await client.GetResponseAsync("hi", cancellationToken: Ct);

        Assert.Equal("second-provider default", response.Text);
    }

    [Fact]
    public async Task GetResponseAsync_OtherExceptions_Propagate()
    {
        _primary.Fail(new InvalidOperationException("bug"));
        using var client = Create();

        await Assert.ThrowsAsync<InvalidOperationException>(() => client.GetResponseAsync("hi", cancellationToken: Ct));
        Assert.Empty(_second.Calls);
    }

    [Fact]
    public async Task GetResponseAsync_CallerCancellation_NeverFailsOver()
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        _primary.Hang();
        using var client = Create();

        var call = client.GetResponseAsync("hi", cancellationToken: cts.Token);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Empty(_second.Calls);
    }

    [Fact]
    public async Task GetResponseAsync_AttemptTimeout_MovesOnWithTimeoutRecorded()
    {
        _primary.Hang();
        using var client = Create();
        client.AttemptTimeout = TimeSpan.FromMilliseconds(50);

        var response = await client.GetResponseAsync("hi", cancellationToken: Ct);

        var skipped = Assert.IsType<string[]>(response.AdditionalProperties![LlmFailoverChatClient.SkippedFailuresPropertyName]);
        Assert.Contains("TimeoutException", Assert.Single(skipped), StringComparison.Ordinal);
        Assert.Contains("AttemptTimeout", skipped[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_AllFail_AggregateCarriesEachFailure()
    {
        _primary.Fail(Error(LlmErrorKind.RateLimited, 429));
        _second.Fail(new HttpRequestException("refused"));
        var last = Error(LlmErrorKind.Unavailable, 503);
        _third.Fail(last);
        using var client = Create();

        var ex = await Assert.ThrowsAsync<FailoverExhaustedException>(() => client.GetResponseAsync("hi", cancellationToken: Ct));

        Assert.Equal(["primary-provider", "second-provider", "third"], ex.Failures.Select(f => f.ClientName));
        Assert.Equal("third-model", ex.Failures[2].ModelId);
        Assert.Same(last, ex.InnerException);
        Assert.Equal(LlmErrorKind.Unavailable, ex.Kind);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ex.StatusCode);
        Assert.True(ex.IsTransient);
        Assert.Contains("All 3 clients", ex.Message, StringComparison.Ordinal);
        Assert.Contains("second-provider: HttpRequestException: refused", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_PrimarySucceeds_RecordsPrimaryWithoutSkipped()
    {
        using var client = Create();
        client.InnerClientName = "main";

        var response = await client.GetResponseAsync("hi", cancellationToken: Ct);

        Assert.Equal("main", response.AdditionalProperties![LlmFailoverChatClient.ServedByPropertyName]);
        Assert.False(response.AdditionalProperties.ContainsKey(LlmFailoverChatClient.SkippedFailuresPropertyName));
    }

    [Fact]
    public async Task GetResponseAsync_FallbackModelId_DoesNotChangeCallerOptions()
    {
        _primary.Fail(Error(LlmErrorKind.Unavailable));
        _second.Fail(Error(LlmErrorKind.Unavailable));
        using var client = Create();
        var options = new ChatOptions { ModelId = "asked" };

        await client.GetResponseAsync("hi", options, Ct);

        Assert.Equal("asked", options.ModelId);
        Assert.Equal("asked", _primary.Calls[0].Options!.ModelId);
        Assert.Equal("third-model", _third.Calls[0].Options!.ModelId);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_FailureBeforeFirstUpdate_FailsOver()
    {
        _primary.StreamFailure(Error(LlmErrorKind.Unavailable));
        _second.Stream("x", "y");
        using var client = Create();

        var updates = await ToListAsync(client.GetStreamingResponseAsync("hi", cancellationToken: Ct));

        Assert.Equal("xy", string.Concat(updates.Select(u => u.Text)));
        Assert.Equal("second-provider", updates[0].AdditionalProperties![LlmFailoverChatClient.ServedByPropertyName]);
        var response = updates.ToChatResponse();
        Assert.Equal("second-provider", response.AdditionalProperties![LlmFailoverChatClient.ServedByPropertyName]);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_FailureAfterFirstUpdate_Propagates()
    {
        _primary.Stream(["partial"], Error(LlmErrorKind.Unavailable));
        using var client = Create();
        var seen = new List<string>();

        var ex = await Assert.ThrowsAsync<LlmConnectorException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync("hi", cancellationToken: Ct))
            {
                seen.Add(update.Text);
            }
        });

        Assert.Equal(["partial"], seen);
        Assert.Equal(LlmErrorKind.Unavailable, ex.Kind);
        Assert.Empty(_second.Calls);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_NonFailoverKindBeforeFirstUpdate_Propagates()
    {
        _primary.StreamFailure(Error(LlmErrorKind.ContentFiltered));
        using var client = Create();

        await Assert.ThrowsAsync<LlmConnectorException>(() => ToListAsync(client.GetStreamingResponseAsync("hi", cancellationToken: Ct)));
        Assert.Empty(_second.Calls);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_AllFail_Aggregate()
    {
        _primary.StreamFailure(Error(LlmErrorKind.Unavailable));
        _second.StreamFailure(new HttpRequestException("refused"));
        _third.StreamFailure(Error(LlmErrorKind.RateLimited));
        using var client = Create();

        var ex = await Assert.ThrowsAsync<FailoverExhaustedException>(() => ToListAsync(client.GetStreamingResponseAsync("hi", cancellationToken: Ct)));

        Assert.Equal(3, ex.Failures.Count);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_CallerCancelledBeforeFirstUpdate_NoFailover()
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        await cts.CancelAsync();
        _primary.StreamFailure(new OperationCanceledException(cts.Token));
        using var client = Create();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ToListAsync(client.GetStreamingResponseAsync("hi", cancellationToken: cts.Token)));
        Assert.Empty(_second.Calls);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_AttemptTimeoutBeforeFirstUpdate_FailsOver()
    {
        _primary.StreamHang();
        _second.Stream("late", "but here");
        using var client = Create();
        client.AttemptTimeout = TimeSpan.FromMilliseconds(50);

        var updates = await ToListAsync(client.GetStreamingResponseAsync("hi", cancellationToken: Ct));

        Assert.Equal("latebut here", string.Concat(updates.Select(u => u.Text)));
        var skipped = Assert.IsType<string[]>(updates[0].AdditionalProperties![LlmFailoverChatClient.SkippedFailuresPropertyName]);
        Assert.Contains("AttemptTimeout", Assert.Single(skipped), StringComparison.Ordinal);
    }

    [Fact]
    public void DelayBetweenAttempts_OverTwoSeconds_Rejected()
    {
        using var client = Create();

        Assert.Throws<ArgumentOutOfRangeException>("value", () => client.DelayBetweenAttempts = TimeSpan.FromSeconds(3));
        Assert.Throws<ArgumentOutOfRangeException>("value", () => client.DelayBetweenAttempts = TimeSpan.FromSeconds(-1));
        Assert.Throws<ArgumentOutOfRangeException>("timeout", () => client.AttemptTimeout = TimeSpan.Zero);
        client.DelayBetweenAttempts = TimeSpan.FromSeconds(2);
        Assert.Equal(TimeSpan.FromSeconds(2), client.DelayBetweenAttempts);
    }

    [Fact]
    public async Task GetResponseAsync_WithSmallDelay_StillFailsOver()
    {
        _primary.Fail(Error(LlmErrorKind.Unavailable));
        using var client = Create();
        client.DelayBetweenAttempts = TimeSpan.FromMilliseconds(10);

        var response = await client.GetResponseAsync("hi", cancellationToken: Ct);

        Assert.Equal("second-provider default", response.Text);
    }

    [Fact]
    public void Constructor_AndBuilder_CheckArguments()
    {
        Assert.Throws<ArgumentNullException>("innerClient", () => new LlmFailoverChatClient(null!));
        Assert.Throws<ArgumentNullException>("client", () => new FailoverTarget(null!));
        Assert.Throws<ArgumentNullException>("builder", () => LlmFailoverChatClientBuilderExtensions.UseFailover(null!));
    }

    [Fact]
    public async Task UseFailover_BuildsWithInnerAsFirst()
    {
        _primary.Fail(Error(LlmErrorKind.Unavailable));
        using var pipeline = _primary.AsBuilder().UseFailover(configure: f => f.AddFallback(_second, name: "backup")).Build();

        var response = await pipeline.GetResponseAsync("hi", cancellationToken: Ct);

        Assert.Equal("backup", response.AdditionalProperties![LlmFailoverChatClient.ServedByPropertyName]);
        Assert.NotNull(pipeline.GetService<LlmFailoverChatClient>());
    }

    [Fact]
    public async Task GetResponseAsync_Default_RetriesOffForAllButTheLastClient()
    {
        var primary = new ScopeProbe(Error(LlmErrorKind.Unavailable));
        var second = new ScopeProbe(Error(LlmErrorKind.RateLimited));
        var last = new ScopeProbe(null);
        using var client = new LlmFailoverChatClient(primary).AddFallback(second).AddFallback(last);

        await client.GetResponseAsync("hi", cancellationToken: Ct);

        Assert.Equal([true], primary.SawScope);
        Assert.Equal([true], second.SawScope);
        Assert.Equal([false], last.SawScope);
        Assert.False(FailoverAttemptScope.SuppressesRetries);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_Default_RetriesOffBeforeTheFirstUpdateOnly()
    {
        var primary = new ScopeProbe(Error(LlmErrorKind.ServerError));
        var last = new ScopeProbe(null);
        using var client = new LlmFailoverChatClient(primary).AddFallback(last);

        var updates = await ToListAsync(client.GetStreamingResponseAsync("hi", cancellationToken: Ct));

        Assert.Equal("ok", Assert.Single(updates).Text);
        Assert.Equal([true], primary.SawScope);
        Assert.Equal([false], last.SawScope);
    }

    [Fact]
    public async Task GetResponseAsync_RetryBeforeHandover_NoScope()
    {
        var primary = new ScopeProbe(Error(LlmErrorKind.Unavailable));
        var last = new ScopeProbe(null);
        using var client = new LlmFailoverChatClient(primary) { RetryBeforeHandover = true }.AddFallback(last);

        await client.GetResponseAsync("hi", cancellationToken: Ct);

        Assert.Equal([false], primary.SawScope);
    }

    [Fact]
    public void AttemptTimeout_Default_IsNone_SoASlowWholeAnswerIsNotCut()
    {
        using var client = Create();

        Assert.Null(client.AttemptTimeout);
    }

    [Fact]
    public async Task GetResponseAsync_AttemptTimeoutSet_HangCutOnTheFailoverClock_LastClientNotCut()
    {
        _primary.Hang();
        var clock = new ImmediateTimeProvider();
        using var client = new LlmFailoverChatClient(_primary) { TimeProvider = clock, AttemptTimeout = TimeSpan.FromSeconds(1.5) }.AddFallback(_second);

        var response = await client.GetResponseAsync("hi", cancellationToken: Ct);

        Assert.Equal("second-provider", response.AdditionalProperties![LlmFailoverChatClient.ServedByPropertyName]);
        Assert.Contains("AttemptTimeout", Assert.IsType<string[]>(response.AdditionalProperties[LlmFailoverChatClient.SkippedFailuresPropertyName])[0], StringComparison.Ordinal);
        Assert.Equal([TimeSpan.FromSeconds(1.5)], clock.DueTimes);
    }

    [Fact]
    public void TimeProvider_Null_Rejected()
    {
        using var client = Create();

        Assert.Throws<ArgumentNullException>("value", () => client.TimeProvider = null!);
    }

    /// <summary>Records whether each call ran inside a <see cref="FailoverAttemptScope"/>, then fails or answers.</summary>
    private sealed class ScopeProbe(Exception? failure) : IChatClient
    {
        public List<bool> SawScope { get; } = [];

        public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            SawScope.Add(FailoverAttemptScope.SuppressesRetries);
            return failure is null ? new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok")) : throw failure;
        }

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
            IEnumerable<ChatMessage> messages, ChatOptions? options = null, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            SawScope.Add(FailoverAttemptScope.SuppressesRetries);
            if (failure is not null)
            {
                throw failure;
            }

            yield return new ChatResponseUpdate(ChatRole.Assistant, "ok");
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }

    private static async Task<List<ChatResponseUpdate>> ToListAsync(IAsyncEnumerable<ChatResponseUpdate> updates)
    {
        var list = new List<ChatResponseUpdate>();
        await foreach (var update in updates)
        {
            list.Add(update);
        }

        return list;
    }
}
