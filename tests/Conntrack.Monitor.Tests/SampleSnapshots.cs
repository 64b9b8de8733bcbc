namespace Conntrack.Monitor.Tests;

/// <summary>Snapshots as a watcher publishes them, with every stat column the 6.18 kernel sends on two CPUs.</summary>
internal static class SampleSnapshots
{
    public static readonly string[] Columns = ["found", "invalid", "insert", "insert_failed", "drop", "early_drop", "error", "search_restart", "clash_resolve", "chaintoolong"];

    public static NamespaceSnapshot Of(string netns, long entries = 3, long max = 262_144) => new()
    {
        Netns = netns,
        Taken = DateTimeOffset.UnixEpoch,
        Entries = entries,
        Mirrored = entries,
        Max = max,
        Buckets = 262_144,
        Series = [new SeriesCount("ipv4", "tcp", "established", true, false, entries - 1), new SeriesCount("ipv6", "udp", "none", false, true, 1)],
        Cpus = [Cpu(0, 1), Cpu(1, 2)],
        TopSources = [new LabelledCount("10.0.0.1", entries - 1), new LabelledCount("other", 1)],
        TopDestinations = [new LabelledCount("10.0.0.2", entries)],
        TopDestinationPorts = [new LabelledCount("tcp/80", entries)],
        NewEvents = 10,
        UpdateEvents = 20,
        DestroyEvents = 7,
        EventOverruns = 0,
        EventsLost = 0,
        Resyncs = 1,
        LastResyncSeconds = 0.01,
        TimeToFullSeconds = double.PositiveInfinity,
        CreatedPerSecond = 2,
        DestroyedPerSecond = 1,
        Memory = new TableMemory(4096, 4096, 2_097_152, true, "host nf_conntrack"),
        Slab = new SlabUsage("nf_conntrack", 256, 96, 160, 40_960),
        TableFullLogLines = 11,
        TableFullLogSuppressed = 8104,
    };

    private static CpuCounters Cpu(int cpu, uint value) =>
        new(cpu, Columns.ToDictionary(c => c, _ => value, StringComparer.Ordinal));
}
