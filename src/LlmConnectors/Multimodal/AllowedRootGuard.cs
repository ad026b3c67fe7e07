using Microsoft.Win32.SafeHandles;

namespace LlmConnectors.Multimodal;

/// <summary>
/// Resolves a local image path and proves that the file it names lies under the allowed root: <c>..</c> segments, absolute paths
/// elsewhere, prefix look-alikes (<c>/root-evil</c> next to <c>/root</c>) and symbolic links anywhere on the path are all resolved
/// before the check, and on Linux the opened file is checked once more through <c>/proc/self/fd</c>.
/// </summary>
internal static class AllowedRootGuard
{
    private const int MaxLinkHops = 40;

    private static readonly StringComparison PathComparison =
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    /// <summary>Returns the canonical form of a root directory: absolute, links resolved, without a trailing separator.</summary>
    /// <param name="root">The configured root.</param>
    /// <returns>The canonical root.</returns>
    /// <exception cref="DirectoryNotFoundException">The root does not exist.</exception>
    public static string CanonicalizeRoot(string root)
    {
        var resolved = ResolveRealPath(Path.GetFullPath(root));
        if (!Directory.Exists(resolved))
        {
            throw new DirectoryNotFoundException($"The directory '{root}' does not exist.");
        }

        return TrimEndingSeparator(resolved);
    }

    /// <summary>Tells whether <paramref name="path"/> is <paramref name="canonicalRoot"/> or lies below it.</summary>
    /// <param name="path">An absolute, normalized path.</param>
    /// <param name="canonicalRoot">The canonical root, without a trailing separator.</param>
    /// <returns><see langword="true"/> when the path is inside the root.</returns>
    public static bool IsUnder(string path, string canonicalRoot)
    {
        path = TrimEndingSeparator(path);
        if (string.Equals(canonicalRoot, Path.GetPathRoot(canonicalRoot), PathComparison))
        {
            // The root is a file-system root such as "/": everything is under it.
            return path.StartsWith(canonicalRoot, PathComparison);
        }

        if (path.Length == canonicalRoot.Length)
        {
            return string.Equals(path, canonicalRoot, PathComparison);
        }

        return path.Length > canonicalRoot.Length
            && path.StartsWith(canonicalRoot, PathComparison)
            && (path[canonicalRoot.Length] == Path.DirectorySeparatorChar || path[canonicalRoot.Length] == Path.AltDirectorySeparatorChar);
    }

    /// <summary>Resolves every symbolic link on an absolute path, component by component, like <c>realpath(3)</c>.</summary>
    /// <param name="fullPath">An absolute, normalized path.</param>
    /// <returns>The path with no link left on it (components that do not exist are kept as they are).</returns>
    /// <exception cref="IOException">The links form a loop or nest too deep.</exception>
    public static string ResolveRealPath(string fullPath)
    {
        var hops = 0;
        var pending = new Stack<string>();
        var current = fullPath;

        while (true)
        {
            var rootPart = Path.GetPathRoot(current) ?? string.Empty;
            var parts = current[rootPart.Length..].Split(
                [Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);
            for (var i = parts.Length - 1; i >= 0; i--)
            {
                pending.Push(parts[i]);
            }

            var resolved = rootPart;
            var restarted = false;
            while (pending.Count > 0)
            {
                var candidate = Path.Join(resolved, pending.Pop());
                FileSystemInfo info = new FileInfo(candidate);
                if (!info.Exists)
                {
                    var directory = new DirectoryInfo(candidate);
                    if (directory.Exists)
                    {
                        info = directory;
                    }
                }

                if (info.Exists && info.LinkTarget is not null)
                {
                    if (++hops > MaxLinkHops)
                    {
                        throw new IOException($"Too many levels of symbolic links while resolving '{fullPath}'.");
                    }

                    var target = info.LinkTarget;
                    var next = Path.IsPathRooted(target) ? target : Path.Join(Path.GetDirectoryName(candidate), target);
                    var rest = new List<string>(pending);
                    pending.Clear();
                    current = Path.GetFullPath(rest.Count == 0 ? next : Path.Join([next, .. rest]));
                    restarted = true;
                    break;
                }

                resolved = candidate;
            }

            if (!restarted)
            {
                return Path.GetFullPath(resolved.Length == 0 ? fullPath : resolved);
            }
        }
    }

    /// <summary>On Linux, returns the path the kernel reports for an open file, so that a link swapped in after the check is caught.</summary>
    /// <param name="handle">The open file.</param>
    /// <returns>The real path of the open file, or <see langword="null"/> where the platform does not tell.</returns>
    public static string? GetOpenedFilePath(SafeFileHandle handle)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        var descriptor = new FileInfo($"/proc/self/fd/{handle.DangerousGetHandle()}");
        return descriptor.Exists ? descriptor.LinkTarget : null;
    }

    private static string TrimEndingSeparator(string path)
    {
        var root = Path.GetPathRoot(path);
        return path.Length > (root?.Length ?? 0) ? Path.TrimEndingDirectorySeparator(path) : path;
    }
}
