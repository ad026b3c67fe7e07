using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace LlmConnectors.Multimodal;

/// <summary>
/// Resolves a local image path and proves that the file it names lies under the allowed root: <c>..</c> segments, absolute paths
/// elsewhere, prefix look-alikes (<c>/root-evil</c> next to <c>/root</c>) and symbolic links anywhere on the path are all resolved
/// before the check, and on Linux the opened file is checked once more through <c>/proc/self/fd</c>. On Linux the file is opened
/// without blocking and without following a last link (<c>O_NONBLOCK | O_NOFOLLOW</c>), and the open file must be a regular file
/// with one link (<c>statx</c>): a FIFO, device or socket would block or never end, and a hard link inside the root can name a file
/// outside it, which no path check can see.
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

    /// <summary>
    /// Opens a file for reading whose path has been checked. On Linux: without blocking (a FIFO with no writer would block the
    /// open itself, past any cancellation), without following a symbolic link swapped in after the check, and only when the open
    /// file is a regular file with a single link. Elsewhere: the platform's ordinary open.
    /// </summary>
    /// <param name="path">The real path, links resolved and checked against the root.</param>
    /// <returns>The open file.</returns>
    /// <exception cref="IOException">The file is not a regular file, has more than one link, or cannot be opened; the message says which.</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be read.</exception>
    public static SafeFileHandle OpenRegularFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!OperatingSystem.IsLinux())
        {
            return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous);
        }

        var nameBytes = Encoding.UTF8.GetBytes(path + "\0");
        var descriptor = LinuxOpen(nameBytes, ORdOnly | ONonBlock | OCloExec | NoFollowFlag);
        if (descriptor < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw errno switch
            {
                ELoop => new IOException("it is a symbolic link that appeared after the path was checked; it was not followed."),
                EAccess or EPermission => new UnauthorizedAccessException("the proxy's user may not read it."),
                _ => new IOException($"opening it failed: {Marshal.GetPInvokeErrorMessage(errno)}."),
            };
        }

        var handle = new SafeFileHandle(descriptor, ownsHandle: true);
        try
        {
            var status = new byte[StatxSize];
            if (LinuxStatx(descriptor, [0], AtEmptyPath, StatxType | StatxNlink, status) != 0)
            {
                throw new IOException($"its type could not be checked: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}.");
            }

            // The record is in the machine's byte order.
            var mode = MemoryMarshal.Read<ushort>(status.AsSpan(StatxModeOffset)) & SIfMt;

            if (mode != SIfReg)
            {
                throw new IOException($"it is not a regular file but {DescribeType(mode)}; only regular files are read.");
            }

            var links = MemoryMarshal.Read<uint>(status.AsSpan(StatxNlinkOffset));
            if (links != 1)
            {
                throw new IOException(
                    $"it has {links} hard links. A hard link inside the allowed root can name a file outside it, so files with more than one link are refused: copy the file into the root instead of linking it.");
            }

            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static string DescribeType(int mode) => mode switch
    {
        0x1000 => "a FIFO (named pipe)",
        0x2000 => "a character device",
        0x6000 => "a block device",
        0xC000 => "a socket",
        0x4000 => "a directory",
        0xA000 => "a symbolic link",
        _ => "a special file",
    };

    // Linux open(2) and statx(2). The flag values are the kernel's; O_NOFOLLOW is 0100000 on arm, arm64 and powerpc and 0400000
    // elsewhere. statx is used rather than fstat because its record has the same layout on every architecture.
    private const int ORdOnly = 0;
    private const int ONonBlock = 0x800;
    private const int OCloExec = 0x80000;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxType = 0x1;
    private const uint StatxNlink = 0x4;
    private const int StatxSize = 256;
    private const int StatxNlinkOffset = 16;
    private const int StatxModeOffset = 28;
    private const int SIfMt = 0xF000;
    private const int SIfReg = 0x8000;
    private const int ELoop = 40;
    private const int EAccess = 13;
    private const int EPermission = 1;

    private static int NoFollowFlag => RuntimeInformation.ProcessArchitecture is Architecture.Arm or Architecture.Arm64 or Architecture.Armv6 or Architecture.Ppc64le
        ? 0x8000
        : 0x20000;

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int LinuxOpen(byte[] path, int flags);

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int LinuxStatx(int directory, byte[] path, int flags, uint mask, [Out] byte[] status);

    private static string TrimEndingSeparator(string path)
    {
        var root = Path.GetPathRoot(path);
        return path.Length > (root?.Length ?? 0) ? Path.TrimEndingDirectorySeparator(path) : path;
    }
}
