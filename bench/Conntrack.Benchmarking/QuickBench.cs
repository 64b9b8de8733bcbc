using System.Diagnostics;
using Conntrack.Replay;
using Conntrack.Replay.Scenarios;
using Conntrack.Capture;
using Conntrack.Settings;
using Conntrack.Table;

namespace Conntrack.Benchmarking;

/// <summary>
/// The quick benchmark behind <c>ctnet bench</c>: each workload warmed up, then timed with a
/// stopwatch over enough packets to take about a second. BenchmarkDotNet (bench/) gives the
/// careful figures; this gives comparable ones in under a minute.
/// </summary>
public static class QuickBench
{
    private const long Second = Workloads.Second;

    public static BenchmarkFigures Run(int largeFlows = 1_000_000, Action<string>? progress = null)
    {
        var settings = new ConntrackSettings { Checksum = false };

        progress?.Invoke("hit path, 10k flows");
        var (hit10k, _, _) = HitPath(10_000, packets: 20_000_000);
        progress?.Invoke($"hit path, {largeFlows:N0} flows");
        var (hit1m, bytesPerFlow, allocated) = HitPath(largeFlows, packets: 10_000_000);
        progress?.Invoke("naive baseline, same flows");
        var (baseline, baselineBytes) = BaselineHitPath(largeFlows, packets: 5_000_000);
        progress?.Invoke("connection churn");
        double churn = Churn();
        progress?.Invoke("SYN flood against a full table");
        double flood = TableFullFlood();
        progress?.Invoke("end-to-end replay");
        var (replay, replayParallel) = Replay(settings);
        return new BenchmarkFigures
        {
            Hit10kMpps = hit10k,
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

    private static (double Mpps, double BytesPerFlow, double AllocatedPerPacket) HitPath(int flows, long packets)
    {
        var table = new ConntrackTable(Workloads.Sized(flows));
        long now = Second;
        Workloads.Establish(table, flows, now);
        var hits = Workloads.EstablishedAcks(flows);
        // Warm up, then time: the clock advances slowly so nothing expires.
        Workloads.RunBatched(table, hits, Math.Min(packets / 10, hits.Count), ref now);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        Workloads.RunBatched(table, hits, packets, ref now);
        watch.Stop();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        return (packets / watch.Elapsed.TotalSeconds / 1e6, (double)table.MemoryBytes / flows, (double)allocated / packets);
    }

    private static (double Mpps, double BytesPerFlow) BaselineHitPath(int flows, long packets)
    {
        var hits = Workloads.EstablishedAcks(flows);
        // Everything the naive table allocates while filling is what it holds (it is pre-sized, nothing is resized away).
        long memoryBefore = GC.GetAllocatedBytesForCurrentThread();
        var table = NaiveTable.Create(flows);
        long memory = GC.GetAllocatedBytesForCurrentThread() - memoryBefore;
        long now = Second;
        table.Run(hits, Math.Min(packets / 10, hits.Count), ref now);
        var watch = Stopwatch.StartNew();
        table.Run(hits, packets, ref now);
        watch.Stop();
        return (packets / watch.Elapsed.TotalSeconds / 1e6, (double)memory / flows);
    }

    /// <summary>
    /// Whole connections (SYN, SYN/ACK, ACK, FIN, FIN, ACK), the same tuples reused after they
    /// expire; batched like the hit path.
    /// </summary>
    private static double Churn()
    {
        const int Connections = 200_000;
        const int Rounds = 10;
        var arena = Workloads.Connections(Connections);
        var table = new ConntrackTable(Workloads.Sized(Connections * 2));
        long now = Second;
        var watch = new Stopwatch();
        for (int round = 0; round < Rounds + 1; round++)
        {
            if (round == 1)
                watch.Start(); // round 0 warms up
            Workloads.RunBatched(table, arena, arena.Count, ref now);
            // Past TIME_WAIT (120 s): the next round finds every entry expired and replaces it.
            now += 200 * Second;
        }
        watch.Stop();
        return Connections * (double)Rounds / watch.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// A full table of ASSURED entries, then SYNs of new flows, batched like the hit path: every one
    /// is looked up, refused by early drop and dropped.
    /// </summary>
    private static double TableFullFlood()
    {
        const int Flows = 100_000;
        const int Syns = 2_000_000;
        var table = new ConntrackTable(Workloads.Sized(Flows));
        long now = Second;
        Workloads.Establish(table, Flows, now);
        var flood = Workloads.Syns(Flows, Syns);
        Workloads.RunBatched(table, flood, Syns / 10, ref now);
        var watch = Stopwatch.StartNew();
        Workloads.RunBatched(table, flood, Syns, ref now);
        watch.Stop();
        return Syns / watch.Elapsed.TotalSeconds / 1e6;
    }

    /// <summary>pcap decoding, link layer, parsing and tracking, from memory.</summary>
    private static (double Mpps, double ParallelMpps) Replay(ConntrackSettings settings)
    {
        const int Packets = 4_000_000;
        using var stream = new MemoryStream();
        EstablishedFlows.WritePcap(stream, 100_000, Packets);
        byte[] capture = stream.ToArray();
        double Once()
        {
            var watch = Stopwatch.StartNew();
            using var reader = CaptureReader.Open(new MemoryStream(capture, writable: false), "bench");
            ReplayRunner.Run(reader, new ReplayOptions { Settings = settings });
            return Packets / watch.Elapsed.TotalSeconds / 1e6;
        }
        Once();
        double single = Once();
        // The same replay with every core tracking (the reading thread among them).
        var watch = Stopwatch.StartNew();
        using (var reader = CaptureReader.Open(new MemoryStream(capture, writable: false), "bench"))
            ReplayRunner.Run(reader, new ReplayOptions { Settings = settings, Threads = Environment.ProcessorCount });
        double parallel = Packets / watch.Elapsed.TotalSeconds / 1e6;
        return (single, parallel);
    }
}
