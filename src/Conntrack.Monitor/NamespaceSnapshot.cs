namespace Conntrack.Monitor;

/// <summary>A count of entries under one label value (a talker, a port), or "other" for the rest.</summary>
public sealed record LabelledCount(string Label, long Entries);

/// <summary>The entries counted under one series of labels.</summary>
public sealed record SeriesCount(string L3, string L4, string State, bool Assured, bool Unreplied, long Entries);

/// <summary>One CPU's row of stat counters, by conntrack -S name.</summary>
public sealed record CpuCounters(int Cpu, IReadOnlyDictionary<string, uint> Values);

/// <summary>
/// What a watcher knew about one namespace at <see cref="Taken"/>: immutable, published once per interval and
/// read by scrapes, <c>/api/state</c> and the dashboard without touching the mirror.
/// </summary>
public sealed record NamespaceSnapshot
{
    public required string Netns { get; init; }
    public required DateTimeOffset Taken { get; init; }

    /// <summary>nf_conntrack_count of the namespace, from the kernel (what node_exporter exports).</summary>
    public required long Entries { get; init; }

    /// <summary>The entries the mirror holds (equal to <see cref="Entries"/> when no event is in flight).</summary>
    public required long Mirrored { get; init; }
    public required long Max { get; init; }
    public required long Buckets { get; init; }
    public required IReadOnlyList<SeriesCount> Series { get; init; }
    public required IReadOnlyList<CpuCounters> Cpus { get; init; }
    public required IReadOnlyList<LabelledCount> TopSources { get; init; }
    public required IReadOnlyList<LabelledCount> TopDestinations { get; init; }
    public required IReadOnlyList<LabelledCount> TopDestinationPorts { get; init; }
    public required long NewEvents { get; init; }
    public required long UpdateEvents { get; init; }
    public required long DestroyEvents { get; init; }
    public required long EventOverruns { get; init; }
    public required long EventsLost { get; init; }
    public required long Resyncs { get; init; }
    public required double LastResyncSeconds { get; init; }

    /// <summary>Seconds until the table is full at the growth of the last minute; +∞ when it is not growing.</summary>
    public required double TimeToFullSeconds { get; init; }

    /// <summary>Entries created and destroyed per second over the last interval (from the event counts).</summary>
    public double CreatedPerSecond { get; init; }
    public double DestroyedPerSecond { get; init; }

    /// <summary>This namespace's kernel memory by the memory model at the host's slab geometry.</summary>
    public TableMemory Memory { get; init; } = TableMemory.None;

    /// <summary>The host's conntrack slab cache as /proc/slabinfo shows it (host-wide, the same in every namespace); null when unreadable.</summary>
    public SlabUsage? Slab { get; init; }

    /// <summary>Table-full lines the kernel printed for this namespace since the monitor started.</summary>
    public long TableFullLogLines { get; init; }

    /// <summary>Table-full messages the rate limiter suppressed for this namespace since the monitor started (printed + suppressed = drops logged).</summary>
    public long TableFullLogSuppressed { get; init; }

    /// <summary>The latest conntrack lines of the kernel log for this namespace, oldest first (at most 100 host-wide).</summary>
    public IReadOnlyList<KernelLogLine> RecentLogLines { get; init; } = [];

    /// <summary>Where the kernel log is read from: "/dev/kmsg", "journal", or why neither could be.</summary>
    public string LogSource { get; init; } = "";

    /// <summary>The sum over CPUs of one stat counter (what /proc/net/stat/nf_conntrack sums to).</summary>
    public long Stat(string name) => Cpus.Sum(c => c.Values.TryGetValue(name, out uint v) ? (long)v : 0);
}
