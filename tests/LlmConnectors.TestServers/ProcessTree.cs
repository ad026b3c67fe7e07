namespace LlmConnectors.TestServers;

/// <summary>
/// Reads the Linux process table (/proc) to find the processes a server started and whether they still run: shared by the
/// integration tests and the load tool (scripts/load/ProxyLoad), which both check that no <c>claude</c> process is left.
/// </summary>
public static class ProcessTree
{
    /// <summary>Finds every descendant of <paramref name="root"/>, whoever started them.</summary>
    /// <param name="root">The process whose tree is read.</param>
    /// <param name="includeZombies">
    /// Whether processes that have exited but are not yet reaped are included: by default they are not (they no longer run); the
    /// load tool's CPU count includes them, as their time reaches the parent's only when it reaps them.
    /// </param>
    public static IReadOnlyList<int> Descendants(int root, bool includeZombies = false)
    {
        var parents = new Dictionary<int, int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var afterName = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (includeZombies || afterName[0] != "Z")
                {
                    parents[pid] = int.Parse(afterName[1], System.Globalization.CultureInfo.InvariantCulture);
                }
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        var result = new List<int>();
        var frontier = new Queue<int>([root]);
        while (frontier.Count > 0)
        {
            var parent = frontier.Dequeue();
            foreach (var (pid, ppid) in parents)
            {
                if (ppid == parent)
                {
                    result.Add(pid);
                    frontier.Enqueue(pid);
                }
            }
        }

        return result;
    }

    /// <summary>Tells whether the process's command line names <c>claude</c>.</summary>
    public static bool IsClaude(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Contains("claude", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Tells whether the process exists and is not a zombie.</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }
}
