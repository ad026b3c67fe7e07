using System.Collections.Concurrent;
using System.Diagnostics;

namespace LlmConnectors.ClaudeCli;

/// <summary>
/// Starts CLI processes so that, on Linux, they die with this process even when it is killed with SIGKILL: each one is started
/// through util-linux <c>setpriv --pdeathsig KILL</c>, which sets the parent-death signal and then executes the CLI in place
/// (same process id, no extra process).
/// </summary>
/// <remarks>
/// The kernel sends the parent-death signal when the <em>thread</em> that forked the child ends, not the process; .NET forks on the
/// thread that calls <see cref="Process.Start()"/>, and thread-pool threads come and go. So every start runs on one dedicated thread
/// that lives as long as this process. Without <c>setpriv</c> (it ships with util-linux, which Debian and Ubuntu install everywhere;
/// <c>apt-get install util-linux</c> elsewhere) the CLI is started directly and a warning says that it may outlive a killed host.
/// On other systems (no parent-death signal) processes are started directly; disposal and cancellation still kill them.
/// <para>
/// Not CliWrap (which the tests and tools use for their processes), measured: on the warm path a request is a round trip over
/// the pipes of a running process, and CliWrap 3.10.5 puts a pump on each side (a <c>PipeSource</c> copying into standard input,
/// a <c>PipeTarget</c> callback per line). <c>ProcessPipeBenchmarks</c> (BenchmarkDotNet ShortRun, 2026-12-02, shared 2-core
/// machine, load average 23 to 30) timed one stream-json line in and out of a running <c>cat</c>: 42.6 µs and 728 B with the
/// redirected streams read and written directly, as here, against 70.1 µs and 936 B through CliWrap, about 27 µs more on every
/// line of every turn. CliWrap also forks on the thread that calls it, and the parent-death signal above needs that to be this
/// one dedicated thread; and the pool needs the live <see cref="Process"/> (standard input kept open between turns, the id for
/// the process-tree kill). So the CLI keeps System.Diagnostics.Process.
/// </para>
/// </remarks>
internal static class ClaudeCliSpawner
{
    private static readonly Lazy<string?> SetprivPath = new(() => OperatingSystem.IsLinux() ? FindOnPath("setpriv", Environment.GetEnvironmentVariable("PATH")) : null);
    private static readonly BlockingCollection<(ProcessStartInfo StartInfo, Process Process, TaskCompletionSource Started)> Starts = [];
    private static readonly Lazy<Thread> StartThread = new(() =>
    {
        var thread = new Thread(RunStarts) { IsBackground = true, Name = "Claude CLI starter" };
        thread.Start();
        return thread;
    });

    /// <summary>Gets a value indicating whether started processes die with this one (Linux with <c>setpriv</c>).</summary>
    public static bool DiesWithParent => SetprivPath.Value is not null;

    /// <summary>Gets a value indicating whether this system could make processes die with this one but lacks <c>setpriv</c>.</summary>
    public static bool IsSetprivMissing => OperatingSystem.IsLinux() && SetprivPath.Value is null;

    /// <summary>Starts <paramref name="startInfo"/> as <paramref name="process"/>, with the parent-death signal where available.</summary>
    /// <param name="process">The process object, its <see cref="Process.StartInfo"/> set to <paramref name="startInfo"/>.</param>
    /// <param name="startInfo">What to start; changed to go through <c>setpriv</c> where available.</param>
    /// <exception cref="FileNotFoundException">The executable is not found.</exception>
    /// <exception cref="System.ComponentModel.Win32Exception">The executable cannot be started.</exception>
    public static void Start(Process process, ProcessStartInfo startInfo)
    {
        if (SetprivPath.Value is not { } setpriv)
        {
            _ = process.Start();
            return;
        }

        // setpriv looks the program up itself; resolve it here so a missing CLI is reported as missing, not as an exit code 127.
        var executable = Resolve(startInfo.FileName, startInfo.Environment.TryGetValue("PATH", out var path) ? path : null)
            ?? throw new FileNotFoundException($"'{startInfo.FileName}' was not found (looked in PATH).", startInfo.FileName);
        string[] arguments = ["--pdeathsig", "KILL", "--", executable, .. startInfo.ArgumentList];
        startInfo.FileName = setpriv;
        startInfo.ArgumentList.Clear();
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        var started = new TaskCompletionSource();
        _ = StartThread.Value;
        Starts.Add((startInfo, process, started));
        started.Task.GetAwaiter().GetResult();
    }

    private static void RunStarts()
    {
        foreach (var (_, process, started) in Starts.GetConsumingEnumerable())
        {
            try
            {
                _ = process.Start();
                started.SetResult();
            }
            catch (Exception e)
            {
                started.SetException(e);
            }
        }
    }

    private static string? Resolve(string fileName, string? pathVariable)
    {
        if (fileName.Contains('/', StringComparison.Ordinal))
        {
            var full = Path.GetFullPath(fileName);
            return File.Exists(full) ? full : null;
        }

        return FindOnPath(fileName, pathVariable ?? Environment.GetEnvironmentVariable("PATH"));
    }

    private static string? FindOnPath(string name, string? pathVariable) =>
        (pathVariable ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);
}
