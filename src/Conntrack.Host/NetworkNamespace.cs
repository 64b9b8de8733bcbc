using System.Globalization;
using Conntrack.Host.Files;
using Conntrack.Host.Logs;

namespace Conntrack.Host;

/// <summary>The live host's network namespace as this process sees it, and which table-full lines are its own.</summary>
internal readonly record struct NetworkNamespace(long? Inode, bool? Initial)
{
    public static NetworkNamespace OfThisProcess()
    {
        long? own = LinkInode("/" + HostPaths.OwnNetns);
        long? init = LinkInode("/" + HostPaths.InitialNetns);
        return new NetworkNamespace(own, own is long o && init is long i ? o == i : SysctlWritable());
    }

    /// <summary>Whether a table-full line with this netns tag (0: untagged) was printed for this namespace.</summary>
    public Func<long, bool> Owns(IReadOnlyList<LogFileResult> logs)
    {
        bool kernelTagsNetns = logs.Any(f => f.Events.Any(e => e.Kind == LogEventKind.TableFull && e.Value != 0));
        long? inode = Inode;
        bool? initial = Initial;
        return tag => LogNetns.Owns(tag, inode, initial, kernelTagsNetns);
    }

    /// <summary>
    /// nf_conntrack_max is writable only in the initial namespace (0444 elsewhere): the test when
    /// /proc/1/ns/net cannot be read. Null when there is no such file.
    /// </summary>
    private static bool? SysctlWritable()
    {
        var file = HostRoot.Live.Find(HostPaths.MaxSysctl);
        try
        {
            if (!OperatingSystem.IsLinux() || !file.IsReadable)
                return null;
            return (File.GetUnixFileMode(file.Path) & UnixFileMode.UserWrite) != 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The inode in a namespace link ("net:[4026531840]"); the link is read, never followed.</summary>
    internal static long? LinkInode(string link)
    {
        try
        {
            string? target = new FileInfo(link).LinkTarget;
            if (target is null)
                return null;
            int open = target.IndexOf('[', StringComparison.Ordinal), close = target.IndexOf(']', StringComparison.Ordinal);
            return open >= 0 && close > open && long.TryParse(target.AsSpan(open + 1, close - open - 1), NumberStyles.None, CultureInfo.InvariantCulture, out long inode) ? inode : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
