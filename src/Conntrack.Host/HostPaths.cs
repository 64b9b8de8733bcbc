namespace Conntrack.Host;

/// <summary>
/// Every path the doctor reads, relative to the root ("/" live, or a snapshot directory holding the same
/// relative paths). <see cref="SysctlDirectories"/> and <see cref="Files"/> are what <see cref="HostReader"/>
/// reads under a root and exactly what <c>ctnet snapshot</c> copies; the live-only paths below are neither.
/// </summary>
public static class HostPaths
{
    public const string NetfilterSysctlDir = "proc/sys/net/netfilter";

    /// <summary>2.4/2.6 kernels: <c>ip_conntrack_*</c> files here.</summary>
    public const string LegacySysctlDir = "proc/sys/net/ipv4/netfilter";
    public const string LegacySysctlPrefix = "ip_conntrack_";
    public const string HashsizeParameter = "sys/module/nf_conntrack/parameters/hashsize";
    public const string LegacyHashsizeParameter = "sys/module/ip_conntrack/parameters/hashsize";
    public const string ProcTable = "proc/net/nf_conntrack";
    public const string LegacyProcTable = "proc/net/ip_conntrack";
    public const string ProcStat = "proc/net/stat/nf_conntrack";

    /// <summary>Operators' hand-made copies of 2.6 hosts have it.</summary>
    public const string LegacyProcStat = "proc/net/stat/ip_conntrack";
    public const string SlabInfo = "proc/slabinfo";
    public const string MemInfo = "proc/meminfo";

    /// <summary>Where a snapshot keeps the output of <c>dmesg</c> (written by the snapshot, not copied).</summary>
    public const string DmesgFile = "dmesg.txt";

    /// <summary>Sysctl directories and the prefix of the file names read there (every file for the current one).</summary>
    public static IReadOnlyList<(string Directory, string Prefix)> SysctlDirectories { get; } =
        [(NetfilterSysctlDir, ""), (LegacySysctlDir, LegacySysctlPrefix)];

    /// <summary>The hashsize module parameter, current name first; the first present is used.</summary>
    public static IReadOnlyList<string> HashsizeParameters { get; } = [HashsizeParameter, LegacyHashsizeParameter];

    /// <summary>The table, current name first; the first present is read.</summary>
    public static IReadOnlyList<string> TableFiles { get; } = [ProcTable, LegacyProcTable];

    /// <summary>The counters, current name first; the first present is read.</summary>
    public static IReadOnlyList<string> StatFiles { get; } = [ProcStat, LegacyProcStat];

    /// <summary>Syslog files that hold kernel messages, by distribution; every one present is read.</summary>
    public static IReadOnlyList<string> LogFiles { get; } = ["var/log/kern.log", "var/log/messages", "var/log/syslog"];

    /// <summary>Every single file read under a root (the sysctl directories and dmesg are beside these).</summary>
    public static IReadOnlyList<string> Files { get; } = [.. HashsizeParameters, .. TableFiles, .. StatFiles, SlabInfo, MemInfo, .. LogFiles];

    /// <summary>Live only: the running kernel's release.</summary>
    public const string KernelRelease = "proc/sys/kernel/osrelease";

    /// <summary>Live only: this process's network namespace and the initial one (links such as <c>net:[4026531840]</c>).</summary>
    public const string OwnNetns = "proc/self/ns/net";
    public const string InitialNetns = "proc/1/ns/net";

    /// <summary>Live only: its write permission tells the initial namespace (0444 elsewhere).</summary>
    public const string MaxSysctl = NetfilterSysctlDir + "/nf_conntrack_max";
}
