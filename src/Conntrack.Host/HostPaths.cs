namespace Conntrack.Host;

/// <summary>
/// Where a host keeps what the doctor reads, relative to the root ("/" live, or a snapshot directory
/// holding the same relative paths). <see cref="SnapshotFiles"/> is exactly what <c>ctnet snapshot</c> copies.
/// </summary>
public static class HostPaths
{
    public const string NetfilterSysctlDir = "proc/sys/net/netfilter";

    /// <summary>2.4/2.6 kernels: <c>ip_conntrack_*</c> files here.</summary>
    public const string LegacySysctlDir = "proc/sys/net/ipv4/netfilter";
    public const string HashsizeParameter = "sys/module/nf_conntrack/parameters/hashsize";
    public const string ProcTable = "proc/net/nf_conntrack";
    public const string LegacyProcTable = "proc/net/ip_conntrack";
    public const string ProcStat = "proc/net/stat/nf_conntrack";
    public const string SlabInfo = "proc/slabinfo";
    public const string MemInfo = "proc/meminfo";

    /// <summary>Where a snapshot keeps the output of <c>dmesg</c>.</summary>
    public const string DmesgFile = "dmesg.txt";

    /// <summary>Syslog files that hold kernel messages, by distribution.</summary>
    public static IReadOnlyList<string> LogFiles { get; } = ["var/log/kern.log", "var/log/messages", "var/log/syslog"];

    /// <summary>Read by the doctor when present (operators' hand-made copies of 2.6 hosts); not copied by snapshot.</summary>
    public const string LegacyProcStat = "proc/net/stat/ip_conntrack";
    public const string LegacyHashsizeParameter = "sys/module/ip_conntrack/parameters/hashsize";

    /// <summary>The single files a snapshot copies (directories of sysctls and dmesg are handled beside these).</summary>
    public static IReadOnlyList<string> SnapshotFiles { get; } =
        [HashsizeParameter, ProcTable, LegacyProcTable, ProcStat, SlabInfo, MemInfo, .. LogFiles];

    /// <summary>A host path under <paramref name="root"/>.</summary>
    public static string Resolve(string root, string relative) => Path.Combine(root, relative);
}
