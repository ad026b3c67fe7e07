namespace LlmConnectors.Tests.OpenAICompatible;

/// <summary>
/// A clock whose timers due within five minutes fire at once (so retry delays cost nothing) and whose later timers never fire;
/// it records every due time asked for, so tests assert on the delays chosen without waiting for them.
/// </summary>
public sealed class ImmediateTimeProvider : TimeProvider
{
    private readonly List<TimeSpan> _dueTimes = [];

    public DateTimeOffset Now { get; set; } = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    public IReadOnlyList<TimeSpan> DueTimes
    {
        get
        {
            lock (_dueTimes)
            {
                return [.. _dueTimes];
            }
        }
    }

    public override DateTimeOffset GetUtcNow() => Now;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        lock (_dueTimes)
        {
            _dueTimes.Add(dueTime);
        }

        if (dueTime != Timeout.InfiniteTimeSpan && dueTime <= TimeSpan.FromMinutes(5))
        {
            ThreadPool.QueueUserWorkItem(_ => callback(state));
        }

        return new NoopTimer();
    }

    private sealed class NoopTimer : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => true;

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => default;
    }
}
