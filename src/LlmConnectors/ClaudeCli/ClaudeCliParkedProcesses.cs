using Microsoft.Extensions.Logging;

namespace LlmConnectors.ClaudeCli;

/// <summary>
/// Parked CLI processes: those waiting on unanswered <c>tools/call</c> requests for the caller to bring the results of the calls
/// their last turn returned, and those that answered and wait, standard input open, for the next user message of their
/// conversation. Keyed by the conversation they hold (see <see cref="ClaudeCliConversationKey"/>), bounded in number (the oldest is
/// killed to make room) and in idle time (killed once it has waited too long), all killed on disposal.
/// </summary>
internal sealed class ClaudeCliParkedProcesses : IAsyncDisposable
{
    private readonly Dictionary<string, (ClaudeCliProcess Process, IReadOnlyList<ClaudeCliToolBridge.WaitingCall> Waiting, long ParkedAt)> _parked = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly int _capacity;
    private readonly TimeSpan _idleTimeout;
    private readonly ILogger _logger;
    private readonly Timer _sweeper;
    private bool _disposed;

    public ClaudeCliParkedProcesses(int capacity, TimeSpan idleTimeout, ILogger logger)
    {
        _capacity = capacity;
        _idleTimeout = idleTimeout;
        _logger = logger;
        var period = TimeSpan.FromMilliseconds(Math.Clamp(idleTimeout.TotalMilliseconds / 4, 250, 30_000));
        _sweeper = new Timer(_ => Sweep(), null, period, period);
    }

    /// <summary>Gets the number of parked processes.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _parked.Count;
            }
        }
    }

    /// <summary>Parks a process under a key; with no room left, the oldest parked process is killed first.</summary>
    /// <param name="key">The conversation key.</param>
    /// <param name="process">The process, waiting on its <c>tools/call</c> requests.</param>
    /// <param name="waiting">The <c>tools/call</c> requests already read from it, to be answered when the results come.</param>
    /// <param name="onCalls"><see langword="true"/> when it waits on calls, <see langword="false"/> when it answered and waits for the next turn.</param>
    public void Park(string key, ClaudeCliProcess process, IReadOnlyList<ClaudeCliToolBridge.WaitingCall> waiting, bool onCalls)
    {
        List<ClaudeCliProcess> evicted = [];
        lock (_lock)
        {
            if (_disposed || _capacity == 0)
            {
                evicted.Add(process);
            }
            else
            {
                if (_parked.Remove(key, out var same))
                {
                    evicted.Add(same.Process);
                }

                while (_parked.Count >= _capacity)
                {
                    var oldest = _parked.MinBy(p => p.Value.ParkedAt);
                    _ = _parked.Remove(oldest.Key);
                    evicted.Add(oldest.Value.Process);
                }

                _parked[key] = (process, waiting, Environment.TickCount64);
                if (onCalls)
                {
                    ClaudeCliToolLog.Parked(_logger, process.Id);
                }
                else
                {
                    ClaudeCliLog.TurnParked(_logger, process.Id);
                }
            }
        }

        Kill(evicted);
    }

    /// <summary>Takes the live process parked under a key, if any.</summary>
    /// <param name="key">The conversation key.</param>
    /// <returns>The process and the <c>tools/call</c> requests it waits on, or <see langword="null"/>.</returns>
    public (ClaudeCliProcess Process, IReadOnlyList<ClaudeCliToolBridge.WaitingCall> Waiting)? TryTake(string key)
    {
        (ClaudeCliProcess Process, IReadOnlyList<ClaudeCliToolBridge.WaitingCall> Waiting, long) entry;
        lock (_lock)
        {
            if (!_parked.Remove(key, out entry))
            {
                return null;
            }
        }

        if (entry.Process.HasExited)
        {
            Kill([entry.Process]);
            return null;
        }

        return (entry.Process, entry.Waiting);
    }

    /// <summary>Kills every parked process.</summary>
    /// <returns>A task that completes when they are gone.</returns>
    public async ValueTask DisposeAsync()
    {
        List<ClaudeCliProcess> all;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            all = [.. _parked.Values.Select(p => p.Process)];
            _parked.Clear();
        }

        await _sweeper.DisposeAsync().ConfigureAwait(false);
        await Task.WhenAll(all.Select(p => p.DisposeAsync().AsTask())).ConfigureAwait(false);
    }

    private static void Kill(List<ClaudeCliProcess> processes)
    {
        foreach (var process in processes)
        {
            _ = Task.Run(() => process.DisposeAsync().AsTask());
        }
    }

    private void Sweep()
    {
        List<ClaudeCliProcess> expired = [];
        lock (_lock)
        {
            var now = Environment.TickCount64;
            foreach (var (key, entry) in _parked.ToList())
            {
                if (now - entry.ParkedAt >= _idleTimeout.TotalMilliseconds || entry.Process.HasExited)
                {
                    _ = _parked.Remove(key);
                    expired.Add(entry.Process);
                    ClaudeCliToolLog.ParkedExpired(_logger, entry.Process.Id);
                }
            }
        }

        Kill(expired);
    }
}
