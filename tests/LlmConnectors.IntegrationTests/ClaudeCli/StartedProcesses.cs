using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace LlmConnectors.IntegrationTests.ClaudeCli;

/// <summary>
/// A logger factory that records which CLI processes served requests, from the client's own "request runs in process" log event
/// (the client keeps no per-request list of its own: nothing kept per request may outlive the request).
/// </summary>
public sealed class StartedProcesses : ILoggerFactory, ILogger
{
    private const int RequestStartedEventId = 3;
    private readonly ConcurrentQueue<int> _ids = new();

    /// <summary>Gets the distinct process ids that served a request, in order.</summary>
    public IReadOnlyList<int> Ids => [.. _ids.Distinct()];

    public ILogger CreateLogger(string categoryName) => this;

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (eventId.Id == RequestStartedEventId && state is IReadOnlyList<KeyValuePair<string, object?>> values)
        {
            foreach (var (name, value) in values)
            {
                if (name == "ProcessId" && value is int id)
                {
                    _ids.Enqueue(id);
                }
            }
        }
    }

    public void Dispose()
    {
    }
}
