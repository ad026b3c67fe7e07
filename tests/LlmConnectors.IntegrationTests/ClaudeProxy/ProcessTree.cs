namespace LlmConnectors.IntegrationTests.ClaudeProxy;

/// <summary>Reads the Linux process table (/proc) to find the processes a test server started.</summary>
internal static class ProcessTree
{
    public static IReadOnlyList<int> Descendants(int root)
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
                if (afterName[0] != "Z")
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
