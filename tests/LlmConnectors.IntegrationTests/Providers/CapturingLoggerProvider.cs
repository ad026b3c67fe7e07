using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace LlmConnectors.IntegrationTests.Providers;

/// <summary>Keeps every formatted log message, for tests that check what a component logs.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _messages = new();

    /// <summary>Gets the messages logged so far, in order.</summary>
    public IReadOnlyList<string> Messages => [.. _messages];

    /// <inheritdoc/>
    public ILogger CreateLogger(string categoryName) => new Logger(_messages);

    /// <inheritdoc/>
    public void Dispose()
    {
    }

    private sealed class Logger(ConcurrentQueue<string> messages) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            messages.Enqueue(formatter(state, exception));
    }
}
