using System.Diagnostics;
using Conntrack.Replay;
using Conntrack.Replay.Scenarios;
using Conntrack.Capture;
using Conntrack.Settings;
using Conntrack.Table;

namespace Conntrack.Benchmarking;

/// <summary>
/// The quick benchmark behind <c>ctnet bench</c>: each workload warmed up, then timed with a
/// stopwatch <see cref="Runs"/> times over enough packets to take a fraction of a second; the
/// spread of the runs shows how steady the machine was. BenchmarkDotNet (bench/) gives the
/// careful figures; this gives comparable ones in under a minute.
/// </summary>
public static class QuickBench
{
    /// <summary>Timed runs of every workload.</summary>
    public const int Runs = 3;

    private const long Second = Workloads.Second;

    /// <summary>Connections of the largest random-lookup table, run only when asked (it needs about 2.5 GB with its baseline).</summary>
    public const int HugeFlows = 10_000_000;

    public static BenchmarkFigures Run(int largeFlows = 1_000_000, Action<string>? progress = null, bool huge = false)
    {
        var settings = new ConntrackSettings { Checksum = false };
        var (load, timesBefore) = MachineLoad.Read();

        progress?.Invoke("UDP, random connections, 10k");
        var udp10k = UdpRandom(10_000, packets: 8_000_000, insertRuns: 1);
        // Before anything else holds much memory, so the resident-memory figure is the table's.
        progress?.Invoke($"UDP, random connections, {largeFlows:N0} (inserts, resident memory)");
        var udp1m = UdpRandom(largeFlows, packets: 4_000_000, insertRuns: Runs);
        UdpFigures? udp10m = null;
        if (huge)
        {
            progress?.Invoke($"UDP, random connections, {HugeFlows:N0}");
            udp10m = UdpRandom(HugeFlows, packets: 4_000_000, insertRuns: 1);
        }
        progress?.Invoke("hit path, 10k flows (creation order)");
        var (hit10k, _, _) = HitPath(10_000, packets: 8_000_000);
        var (baseline10k, _) = BaselineHitPath(10_000, packets: 2_000_000);
        progress?.Invoke($"hit path, {largeFlows:N0} flows (creation order)");
        var (hit1m, bytesPerFlow, allocated) = HitPath(largeFlows, packets: 4_000_000);
        progress?.Invoke("naive baseline, same flows");
        var (baseline, baselineBytes) = BaselineHitPath(largeFlows, packets: 2_000_000);
        progress?.Invoke("connection churn");
        var churn = Churn();
        progress?.Invoke("SYN flood against a full table");
        var flood = TableFullFlood();
        progress?.Invoke("end-to-end replay");
        var (replay, replayParallel) = Replay(settings);
        var (_, timesAfter) = MachineLoad.Read();
        return new BenchmarkFigures
        {
            Warnings = MachineLoad.Warnings(load, Environment.ProcessorCount, timesBefore, timesAfter),
            UdpRandom10k = udp10k,
            UdpRandom1m = udp1m,
            UdpRandom10m = udp10m,
            Hit10kMpps = hit10k,
            BaselineHit10kMpps = baseline10k,
            Hit1mMpps = hit1m,
            BytesPerFlow = bytesPerFlow,
            AllocatedBytesPerPacket = allocated,
            BaselineHit1mMpps = baseline,
            BaselineBytesPerFlow = baselineBytes,
            ChurnConnectionsPerSecond = churn,
            TableFullFloodMpps = flood,
            ReplayMpps = replay,
            ReplayAllCoresMpps = replayParallel,
            ReplayThreads = Environment.ProcessorCount,
            Flows1m = largeFlows,
        };
    }

    private static Spread Timed(Func<double> run) => Spread.Of([.. Enumerable.Range(0, Runs).Select(_ => run())]);

    private static (Spread Mpps, double BytesPerFlow, double AllocatedPerPacket) HitPath(int flows, long packets)
    {
        var table = new ConntrackTable(Workloads.Sized(flows));
        long now = Second;
        Workloads.Establish(table, flows, now);
        var hits = Workloads.EstablishedAcks(flows);
        // Warm up, then time: the clock advances slowly so nothing expires.
        Workloads.RunBatched(table, hits, Math.Min(packets / 10, hits.Count), ref now);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var mpps = Timed(() =>
        {
            var watch = Stopwatch.StartNew();
            Workloads.RunBatched(table, hits, packets, ref now);
            return packets / watch.Elapsed.TotalSeconds / 1e6;
        });
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        return (mpps, (double)table.MemoryBytes / flows, (double)allocated / (packets * Runs));
    }

    private static (Spread Mpps, double BytesPerFlow) BaselineHitPath(int flows, long packets)
    {
        var hits = Workloads.EstablishedAcks(flows);
        // Everything the naive table allocates while filling is what it holds (it is pre-sized, nothing is resized away).
        long memoryBefore = GC.GetAllocatedBytesForCurrentThread();
        var table = NaiveTable.Create(flows);
        long memory = GC.GetAllocatedBytesForCurrentThread() - memoryBefore;
        long now = Second;
        table.Run(hits, Math.Min(packets / 10, hits.Count), ref now);
        var mpps = Timed(() =>
        {
            var watch = Stopwatch.StartNew();
            table.Run(hits, packets, ref now);
            return packets / watch.Elapsed.TotalSeconds / 1e6;
        });
        return (mpps, (double)memory / flows);
    }

    /// <summary>
    /// The UDP workload (<see cref="UdpRandomWorkload"/>) on this table and on the naive
    /// one, in the same process: inserts (the first run's table is kept, and its resident memory
    /// measured), then random lookups.
    /// </summary>
    private static UdpFigures UdpRandom(int flows, long packets, int insertRuns)
    {
        var workload = new UdpRandomWorkload(flows);
        long now = Second;
        // Both tables are filled and measured while the other lives, so neither reuses memory
        // the other freed (which would hide it from the resident figure).
        GC.Collect();
        long? before = ResidentMemory.Read();
        var table = new ConntrackTable(Workloads.Sized(flows));
        var inserts = new List<double> { TimeInserts(() => workload.Insert(table, now), flows) };
        double rssPerFlow = RssPerFlow(before, flows);
        long? naiveBefore = ResidentMemory.Read();
        var naive = NaiveTable.Empty(flows);
        double naiveInsert = TimeInserts(() => workload.Insert(naive, now), flows);
        double naiveRss = RssPerFlow(naiveBefore, flows);

        var lookups = TimedLookups(n => workload.Lookups(table, n, now), packets);
        var naiveLookups = TimedLookups(n => workload.Lookups(naive, n, now), packets / 2);
        GC.KeepAlive(naive);
        table = null;
        naive = null;
        for (int run = 1; run < insertRuns; run++)
        {
            GC.Collect();
            var fresh = new ConntrackTable(Workloads.Sized(flows));
            inserts.Add(TimeInserts(() => workload.Insert(fresh, now), flows));
        }
        return new UdpFigures(lookups, naiveLookups, Spread.Of(inserts), naiveInsert, rssPerFlow, naiveRss);
    }

    /// <summary>Millions of connections created per second.</summary>
    private static double TimeInserts(Func<int> insert, int flows)
    {
        var watch = Stopwatch.StartNew();
        int made = insert();
        if (made != flows)
            throw new InvalidOperationException($"{made} of {flows} inserts made an entry");
        return flows / watch.Elapsed.TotalSeconds / 1e6;
    }

    private static Spread TimedLookups(Func<long, int> lookups, long packets)
    {
        lookups(packets / 10);
        return Timed(() =>
        {
            var watch = Stopwatch.StartNew();
            lookups(packets);
            return packets / watch.Elapsed.TotalSeconds / 1e6;
        });
    }

    private static double RssPerFlow(long? before, int flows) =>
        before is long b && ResidentMemory.Read() is long after ? (double)(after - b) / flows : double.NaN;

    /// <summary>
    /// Whole connections (SYN, SYN/ACK, ACK, FIN, FIN, ACK), the same tuples reused after they
    /// expire; batched like the hit path.
    /// </summary>
    private static Spread Churn()
    {
        const int Connections = 200_000;
        const int Rounds = 4;
        var arena = Workloads.Connections(Connections);
        var table = new ConntrackTable(Workloads.Sized(Connections * 2));
        long now = Second;
        void Round()
        {
            Workloads.RunBatched(table, arena, arena.Count, ref now);
            // Past TIME_WAIT (120 s): the next round finds every entry expired and replaces it.
            now += 200 * Second;
        }
        Round(); // warms up
        return Timed(() =>
        {
            var watch = Stopwatch.StartNew();
            for (int round = 0; round < Rounds; round++)
                Round();
            return Connections * (double)Rounds / watch.Elapsed.TotalSeconds;
        });
    }

    /// <summary>
    /// A full table of ASSURED entries, then SYNs of new flows, batched like the hit path: every one
    /// is looked up, refused by early drop and dropped.
    /// </summary>
    private static Spread TableFullFlood()
    {
        const int Flows = 100_000;
        const int Syns = 1_000_000;
        var table = new ConntrackTable(Workloads.Sized(Flows));
        long now = Second;
        Workloads.Establish(table, Flows, now);
        var flood = Workloads.Syns(Flows, Syns);
        Workloads.RunBatched(table, flood, Syns / 10, ref now);
        return Timed(() =>
        {
            var watch = Stopwatch.StartNew();
            Workloads.RunBatched(table, flood, Syns, ref now);
            return Syns / watch.Elapsed.TotalSeconds / 1e6;
        });
    }

    /// <summary>pcap decoding, link layer, parsing and tracking, from memory.</summary>
    private static (Spread Mpps, Spread ParallelMpps) Replay(ConntrackSettings settings)
    {
        const int Packets = 2_000_000;
        using var stream = new MemoryStream();
        EstablishedFlows.WritePcap(stream, 100_000, Packets);
        byte[] capture = stream.ToArray();
        double Once(int threads)
        {
            var watch = Stopwatch.StartNew();
            using var reader = CaptureReader.Open(new MemoryStream(capture, writable: false), "bench");
            ReplayRunner.Run(reader, new ReplayOptions { Settings = settings, Threads = threads });
            return Packets / watch.Elapsed.TotalSeconds / 1e6;
        }
        Once(1);
        var single = Timed(() => Once(1));
        // The same replay with every core tracking (the reading thread among them).
        var parallel = Timed(() => Once(Environment.ProcessorCount));
        return (single, parallel);
    }
}
