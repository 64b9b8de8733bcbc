using System.Globalization;
using Conntrack.Host.Files;

namespace Conntrack.Host.Netlink;

/// <summary>One network namespace on the host: its nsfs inode, its <c>ip netns</c> names and the processes in it.</summary>
public sealed record NetnsInfo(ulong Inode, IReadOnlyList<string> Names, IReadOnlyList<int> Pids)
{
    /// <summary>How to enter it: by its first name, else by its first process.</summary>
    public NetnsTarget Target => Names.Count > 0 ? NetnsTarget.Named(Names[0]) : NetnsTarget.OfProcess(Pids[0]);
}

/// <summary>
/// Every network namespace this host has that can be named: the unique inodes of <c>/proc/*/ns/net</c> plus the
/// bind mounts in <c>/run/netns</c> (namespaces without a process), for the monitor. Links are read, never followed.
/// </summary>
public static class NetnsCatalog
{
    public const string NamedDirectory = "/run/netns";

    public static IReadOnlyList<NetnsInfo> Enumerate()
    {
        var names = new SortedDictionary<ulong, List<string>>();
        var pids = new SortedDictionary<ulong, List<int>>();
        foreach (string path in Files(NamedDirectory))
        {
            if (InodeOf(path) is ulong inode)
                Add(names, inode, System.IO.Path.GetFileName(path));
        }
        foreach (string dir in Files("/proc", directories: true))
        {
            if (int.TryParse(System.IO.Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) &&
                NetworkNamespace.LinkInode(dir + "/ns/net") is long inode)
                Add(pids, (ulong)inode, pid);
        }
        return [.. names.Keys.Union(pids.Keys).Order().Select(i => new NetnsInfo(i,
            names.TryGetValue(i, out var n) ? n.Order(StringComparer.Ordinal).ToList() : [],
            pids.TryGetValue(i, out var p) ? p.Order().ToList() : []))];
    }

    private static void Add<T>(SortedDictionary<ulong, List<T>> map, ulong inode, T value)
    {
        if (!map.TryGetValue(inode, out var list))
            map[inode] = list = [];
        list.Add(value);
    }

    private static string[] Files(string directory, bool directories = false)
    {
        try
        {
            return directories ? Directory.GetDirectories(directory) : Directory.GetFiles(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>The nsfs inode a /run/netns bind mount shows (stat follows the mount, not a link).</summary>
    private static ulong? InodeOf(string path)
    {
        try
        {
            var status = NativeFiles.Stat(path);
            return status.Kind == FileKind.Missing ? null : status.Inode;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
