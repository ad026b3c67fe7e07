using System.Runtime.ExceptionServices;

namespace LlmConnectors.Pipeline;

/// <summary>
/// Helpers for middlewares that answer a call without an <see langword="async"/> state machine on their pass-through path,
/// while keeping the observable behaviour of an <see langword="async"/> method: an exception never escapes the call itself,
/// it faults the returned task (and an <see cref="OperationCanceledException"/> cancels it).
/// </summary>
internal static class PassThroughTasks
{
    /// <summary>Returns a task that ends exactly as an <see langword="async"/> method throwing <paramref name="exception"/> would.</summary>
    /// <typeparam name="T">The result type of the task.</typeparam>
    /// <param name="exception">The exception to rethrow, with its original stack trace.</param>
    /// <returns>A faulted task, or a canceled one for an <see cref="OperationCanceledException"/>.</returns>
    public static async Task<T> FromException<T>(Exception exception)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        ExceptionDispatchInfo.Throw(exception);
        return default!;
    }
}
