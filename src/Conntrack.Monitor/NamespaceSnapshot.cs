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

    /// <summary>The sum over CPUs of one stat counter (what /proc/net/stat/nf_conntrack sums to).</summary>
    public long Stat(string name) => Cpus.Sum(c => c.Values.TryGetValue(name, out uint v) ? (long)v : 0);
}
