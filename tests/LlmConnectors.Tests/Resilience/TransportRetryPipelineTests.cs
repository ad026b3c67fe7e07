using System.Net;
using Polly;

namespace LlmConnectors.Tests.Resilience;

public class TransportRetryPipelineTests
{
    [Theory]
    [InlineData(HttpStatusCode.RequestTimeout, true)]
    [InlineData(HttpStatusCode.TooManyRequests, true)]
    [InlineData(HttpStatusCode.BadGateway, true)]
    [InlineData(HttpStatusCode.ServiceUnavailable, true)]
    [InlineData(HttpStatusCode.GatewayTimeout, true)]
    [InlineData((HttpStatusCode)529, true)]
    [InlineData(HttpStatusCode.Unauthorized, false)]
    [InlineData(HttpStatusCode.PaymentRequired, false)]
    [InlineData(HttpStatusCode.Forbidden, false)]
    [InlineData(HttpStatusCode.BadRequest, false)]
    [InlineData(HttpStatusCode.InternalServerError, false)]
    public void IsRetryable_ByStatus(HttpStatusCode status, bool expected)
    {
        var error = new LlmConnectorException("failed", LlmConnectorException.KindFromStatus((int)status), "test", status);

        Assert.Equal(expected, TransportRetryPipeline.IsRetryable(error, CancellationToken.None));
    }

    [Fact]
    public void IsRetryable_LocalTimeout_NotRetried()
    {
        var error = new LlmConnectorException("took too long", LlmErrorKind.Timeout, "test");

        Assert.False(TransportRetryPipeline.IsRetryable(error, CancellationToken.None));
    }

    [Fact]
    public void IsRetryable_NetworkFault_Retried()
    {
        Assert.True(TransportRetryPipeline.IsRetryable(new HttpRequestException("connection refused"), CancellationToken.None));
        Assert.True(TransportRetryPipeline.IsRetryable(new LlmConnectorException("reset", LlmErrorKind.Network, "test"), CancellationToken.None));
    }

    [Fact]
    public void IsRetryable_CallerCancelled_NeverRetried()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.False(TransportRetryPipeline.IsRetryable(new HttpRequestException("x"), cts.Token));
    }

    [Fact]
    public void Create_Disabled_ReturnsEmptyPipeline()
    {
        Assert.Same(ResiliencePipeline.Empty, TransportRetryPipeline.Create(new TransportRetryOptions { Enabled = false }));
        Assert.Same(ResiliencePipeline.Empty, TransportRetryPipeline.Create(new TransportRetryOptions { MaxRetryAttempts = 0 }));
    }

    [Fact]
    public async Task Create_RetryAfterLongerThanMaxDelay_IsNotRetriedAndReachesTheCallerWithItsDelay()
    {
        var pipeline = TransportRetryPipeline.Create(new TransportRetryOptions { BaseDelay = TimeSpan.Zero, MaxDelay = TimeSpan.FromSeconds(30), UseJitter = false });
        var calls = 0;

        var e = await Assert.ThrowsAsync<LlmConnectorException>(async () => await pipeline.ExecuteAsync<string>(_ =>
        {
            calls++;
            throw new LlmConnectorException("busy", LlmErrorKind.RateLimited, "test", HttpStatusCode.TooManyRequests) { RetryAfter = TimeSpan.FromSeconds(33) };
        }, TestContext.Current.CancellationToken));

        Assert.Equal(1, calls);
        Assert.Equal(TimeSpan.FromSeconds(33), e.RetryAfter);
    }

    [Fact]
    public async Task Create_RetryAfterWithinMaxDelay_WaitsNoLessThanAsked()
    {
        var delays = new List<TimeSpan>();
        var pipeline = TransportRetryPipeline.Create(
            new TransportRetryOptions { BaseDelay = TimeSpan.Zero, MaxDelay = TimeSpan.FromSeconds(30), UseJitter = false },
            onRetry: args => delays.Add(args.RetryDelay));
        var calls = 0;

        var result = await pipeline.ExecuteAsync(_ =>
        {
            calls++;
            return calls < 2
                ? throw new LlmConnectorException("busy", LlmErrorKind.RateLimited, "test", HttpStatusCode.TooManyRequests) { RetryAfter = TimeSpan.FromMilliseconds(30) }
                : ValueTask.FromResult("ok");
        }, TestContext.Current.CancellationToken);

        Assert.Equal("ok", result);
        Assert.Equal([TimeSpan.FromMilliseconds(30)], delays);
    }

    [Fact]
    public async Task Create_RetriesTransientThenSucceeds_AndStopsOnAuthFailure()
    {
        var pipeline = TransportRetryPipeline.Create(new TransportRetryOptions { BaseDelay = TimeSpan.Zero, MaxDelay = TimeSpan.Zero, UseJitter = false });
        var calls = 0;

        var result = await pipeline.ExecuteAsync(_ =>
        {
            calls++;
            return calls < 3
                ? throw new LlmConnectorException("busy", LlmErrorKind.RateLimited, "test", HttpStatusCode.TooManyRequests)
                : ValueTask.FromResult("ok");
        }, TestContext.Current.CancellationToken);

        Assert.Equal("ok", result);
        Assert.Equal(3, calls);

        calls = 0;
        await Assert.ThrowsAsync<LlmConnectorException>(async () => await pipeline.ExecuteAsync<string>(_ =>
        {
            calls++;
            throw new LlmConnectorException("bad key", LlmErrorKind.Authentication, "test", HttpStatusCode.Unauthorized);
        }, TestContext.Current.CancellationToken));
        Assert.Equal(1, calls);
    }

    [Fact]
    public void Validate_OutOfRange_NamesTheSetting()
    {
        var errors = new TransportRetryOptions { MaxRetryAttempts = -1, BaseDelay = TimeSpan.FromSeconds(5), MaxDelay = TimeSpan.FromSeconds(1) }.Validate("OpenRouter:Retry");

        Assert.Contains(errors, e => e.StartsWith("OpenRouter:Retry:MaxRetryAttempts", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("OpenRouter:Retry:MaxDelay", StringComparison.Ordinal));
    }
}
