using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace LlmConnectors.ClaudeCli;

/// <summary>
/// Keeps <see cref="ClaudeCliOptions.WarmPoolSize"/> CLI processes started and waiting on standard input. All of them share the same
/// start-up flags (per-request settings travel on standard input), so every request can take one.
/// </summary>
internal sealed class ClaudeCliProcessPool : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);
    private readonly ClaudeCliOptions _options;
    private readonly ILogger _logger;
    private readonly ConcurrentQueue<ClaudeCliProcess> _idle = new();
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _disposing = new();
    private readonly ConcurrentDictionary<Task, byte> _startTasks = new();
    private string? _preferredModel;
    private int _starting;
    private bool _disposed;
    private TaskCompletionSource _filled = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ClaudeCliProcessPool(ClaudeCliOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
        _preferredModel = string.IsNullOrEmpty(options.ModelId) ? null : options.ModelId;
    }

    /// <summary>Gets the number of started processes waiting for a request.</summary>
    public int IdleCount => _idle.Count;

    /// <summary>
    /// Takes a live started process that can serve a request for <paramref name="model"/>, if one is waiting, and makes that
    /// model the one later processes start with (switching the model on standard input costs a round trip per request).
    /// </summary>
    /// <param name="model">
    /// The model of the request; <see langword="null"/> for the CLI's default, which only a process started without a model serves.
    /// </param>
    /// <returns>The process, or <see langword="null"/> when none is waiting (or none suits).</returns>
    private ClaudeCliProcess? TryTake(string? model)
    {
        Volatile.Write(ref _preferredModel, model);
        ClaudeCliProcess? taken = null;
        List<ClaudeCliProcess>? unsuitable = null;
        while (_idle.TryDequeue(out var process))
        {
            if (process.HasExited)
            {
                _ = process.DisposeAsync().AsTask();
                continue;
            }

            if (model is null && process.StartModel is not null)
            {
                (unsuitable ??= []).Add(process);
                continue;
            }

            taken = process;
            break;
        }

        if (taken is null && unsuitable is { Count: > 0 })
        {
            // Every waiting process started with a model; retire one so that the refill replaces it with a default-model one.
            _ = unsuitable[0].DisposeAsync().AsTask();
            unsuitable.RemoveAt(0);
        }

        foreach (var process in unsuitable ?? [])
        {
            _idle.Enqueue(process);
        }

        return taken;
    }

    /// <summary>
    /// Takes a waiting process like <see cref="TryTake"/>; when none is waiting but some are starting, waits for them instead of
    /// having the caller start one more (a start-up takes about a third of a second and half a CPU-second: under load, another
    /// start only slows the ones under way). The caller calls <see cref="Refill"/> when its request ends: a CLI start-up costs
    /// about half a CPU-second, which would otherwise compete with the request the process was taken for.
    /// </summary>
    /// <param name="model">The model of the request, as for <see cref="TryTake"/>.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>
    /// The process, or <see langword="null"/> when none is waiting or starting (or none became ready within the start-up bound).
    /// </returns>
    public async ValueTask<ClaudeCliProcess?> TakeAsync(string? model, CancellationToken cancellationToken)
    {
        var deadline = Environment.TickCount64 + (long)ReadyTimeout.TotalMilliseconds;
        while (true)
        {
            Task started;
            lock (_lock)
            {
                started = _filled.Task;
            }

            if (TryTake(model) is { } process)
            {
                return process;
            }

            lock (_lock)
            {
                if (_starting == 0 || _disposed)
                {
                    return null;
                }
            }

            var left = deadline - Environment.TickCount64;
            if (left <= 0)
            {
                return null;
            }

            try
            {
                await started.WaitAsync(TimeSpan.FromMilliseconds(left), cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                return null;
            }
        }
    }

    /// <summary>Starts processes in the background until the pool holds <see cref="ClaudeCliOptions.WarmPoolSize"/>.</summary>
    public void Refill()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            while (_idle.Count + _starting < _options.WarmPoolSize)
            {
                _starting++;
                var start = Task.Run(StartOne);
                _ = _startTasks.TryAdd(start, 0);
                _ = start.ContinueWith(
                    t => _startTasks.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
    }

    /// <summary>Waits until the pool is full (or a start failed).</summary>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the pool is full.</returns>
    public async Task WaitFilledAsync(CancellationToken cancellationToken)
    {
        Refill();
        while (_idle.Count < _options.WarmPoolSize)
        {
            Task filled;
            lock (_lock)
            {
                if (_idle.Count >= _options.WarmPoolSize || _disposed)
                {
                    return;
                }

                filled = _filled.Task;
            }

            await filled.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Kills every waiting process, including those still starting.</summary>
    /// <returns>A task that completes when they are gone.</returns>
    /// <remarks>
    /// Processes still starting are waited for: a process spawned by a start that outlived the pool would outlive the host too
    /// (children are not killed when .NET exits), so their readiness waits are cancelled and each start kills its own process.
    /// </remarks>
    public async ValueTask DisposeAsync()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        await _disposing.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_startTasks.Keys).ConfigureAwait(false);

        while (_idle.TryDequeue(out var process))
        {
            await process.DisposeAsync().ConfigureAwait(false);
        }

        _disposing.Dispose();
    }

    private async Task StartOne()
    {
        ClaudeCliProcess? process = null;
        try
        {
            process = ClaudeCliProcess.Start(_options, Volatile.Read(ref _preferredModel));
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_disposing.Token);
            timeout.CancelAfter(ReadyTimeout);
            if (!await process.WaitReadyAsync(timeout.Token).ConfigureAwait(false))
            {
                throw new IOException($"The Claude CLI process {process.Id} exited during start-up. {process.StandardErrorTail}");
            }

            ClaudeCliLog.PoolProcessStarted(_logger, process.Id);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException or InvalidOperationException or OperationCanceledException)
        {
            ClaudeCliLog.PoolStartFailed(_logger, e);
            if (process is not null)
            {
                await process.DisposeAsync().ConfigureAwait(false);
                process = null;
            }
        }

        bool disposed;
        TaskCompletionSource filled;
        lock (_lock)
        {
            _starting--;
            disposed = _disposed;
            if (process is not null && !disposed)
            {
                _idle.Enqueue(process);
            }

            filled = _filled;
            _filled = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        _ = filled.TrySetResult();
        if (process is not null && disposed)
        {
            await process.DisposeAsync().ConfigureAwait(false);
        }
    }
}
