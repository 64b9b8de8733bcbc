namespace Conntrack.Host.Logs;

/// <summary>Kernel log messages the doctor counts.</summary>
public enum LogEventKind : byte
{
    /// <summary><c>table full, dropping packet</c> in any of its forms; <see cref="LogEvent.Value"/> = netns inode (0 when untagged).</summary>
    TableFull,

    /// <summary><c>net_ratelimit: N callbacks suppressed</c>, <c>NET: N messages suppressed.</c>, <c>printk: N messages suppressed.</c>; Value = N.</summary>
    Suppressed,

    /// <summary><c>Can't alloc conntrack</c>, or a SLUB allocation failure naming a conntrack cache.</summary>
    AllocFailure,

    /// <summary>Any <c>page allocation failure</c> or SLUB allocation failure: memory pressure, not conntrack's own message.</summary>
    PageAllocFailure,

    /// <summary><c>falling back to vmalloc</c> while allocating the hash table.</summary>
    VmallocFallback,
}

/// <summary>One counted kernel log message.</summary>
public struct LogEvent
{
    public LogEventKind Kind;
    public LogTime Time;
    public long Value;

    /// <summary>Index of the log source it came from.</summary>
    public int Source;
    public long Line;

    /// <summary>The 2.4/2.6 texts: <c>ip_conntrack: …</c> or a trailing period.</summary>
    public bool Historic;

    /// <summary>For <see cref="LogEventKind.Suppressed"/>: it closes or opens a burst of table-full lines.</summary>
    public bool AttributedToTableFull;

    /// <summary>For attributed suppression lines: the netns tag of that burst's table-full lines.</summary>
    public long BurstNetns;
}

/// <summary>The boot banner of old kernels: <c>ip_conntrack version 2.4 (8192 buckets, 65536 max) - 228 bytes per conntrack</c>.</summary>
public sealed record BootBanner(string Module, string Version, long Buckets, long Max, int? BytesPerConntrack, string Source, long Line);
