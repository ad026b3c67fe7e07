namespace LlmConnectors.IntegrationTests.OpenRouter;

/// <summary>
/// A clock whose timers due within five minutes fire at once and whose later timers never fire; it records the due times, so a test
/// asserts on the retry delay chosen (the <c>Retry-After</c> value) without waiting for it.
/// </summary>
public sealed class RecordingTimeProvider : TimeProvider
{
    private readonly List<TimeSpan> _dueTimes = [];

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
