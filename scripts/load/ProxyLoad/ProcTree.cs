using System.Globalization;

/// <summary>A process tree read from /proc: its members and the CPU time they spent.</summary>
internal static class ProcTree
{
    /// <summary>The clock ticks per second of /proc's times (USER_HZ; 100 on Linux x86-64).</summary>
    private const double TicksPerSecond = 100;

    /// <summary>
    /// The CPU seconds (user + system) the tree under <paramref name="root"/> has spent so far: every live member's own time plus
    /// the time of the children each has reaped (utime, stime, cutime, cstime), so that a CLI process that ended between two
    /// readings is counted in its parent's share.
    /// </summary>
    public static double CpuSeconds(int root)
    {
        long ticks = 0;
        foreach (var pid in LlmConnectors.TestServers.ProcessTree.Descendants(root, includeZombies: true).Prepend(root))
        {
            if (Stat(pid) is { } fields)
            {
                // Fields after the command: state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14).
                ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)
                    + long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture);
            }
        }

        return ticks / TicksPerSecond;
    }

    private static string[]? Stat(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null;
        }
    }
}
