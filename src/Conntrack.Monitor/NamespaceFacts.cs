using System.Globalization;
using Conntrack.Host;
using Conntrack.Host.Files;
using Conntrack.Host.Logs;
using Conntrack.Host.Netlink;
using Conntrack.Host.Sysctls;
using Conntrack.Replay.Memory;

namespace Conntrack.Monitor;

/// <summary>
/// What a watcher learns once from inside its namespace: the namespace's inode (the tag of its table-full log lines),
/// whether it is the initial one, and whether its entries carry an extension area (its own sysctls).
/// </summary>
internal sealed record NamespaceFacts(long? Inode, bool? Initial, bool Extensions)
{
    private const string OwnLink = "/proc/thread-self/ns/net";

    /// <summary>Read on a thread inside <paramref name="target"/> (this thread when null), so /proc/sys shows that namespace.</summary>
    public static NamespaceFacts Read(NetnsTarget? target) => target is null ? ReadHere() : target.Enter(ReadHere);

    private static NamespaceFacts ReadHere()
    {
        long? inode = LogNetns.InodeOfLink(OwnLink);
        long? init = LogNetns.InodeOfLink("/" + HostPaths.InitialNetns);
        // nf_conntrack_events = 2 adds the event extension while a listener exists, and this monitor listens.
        long events = Sysctl("nf_conntrack_events") ?? 2;
        bool extensions = ConntrackMemoryModel.UsesExtensions(Sysctl("nf_conntrack_acct") ?? 0, Sysctl("nf_conntrack_timestamp") ?? 0, events == 2 ? 1 : events);
        return new NamespaceFacts(inode, inode is long own && init is long i ? own == i : null, extensions);
    }

    private static long? Sysctl(string name)
    {
        var file = SysctlFiles.Read(HostRoot.Live.Find(HostPaths.NetfilterSysctlDir + "/" + name), name);
        return long.TryParse(file.Text?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long value) ? value : null;
    }
}
