using BenchmarkDotNet.Attributes;
using Conntrack.Benchmarking;
using Conntrack.Table;

namespace Conntrack.Benchmarks;

/// <summary>
/// Whole connections (SYN, SYN/ACK, ACK, FIN, FIN, ACK) whose entries expire and are replaced by
/// the next pass; and a SYN flood against a table full of ASSURED entries (early drop, then drop).
/// One operation = one packet.
/// </summary>
[MemoryDiagnoser]
public class ChurnBenchmarks
{
    private const int Connections = 100_000;
    private const int FullTable = 100_000;
    private ConntrackTable _churn = null!;
    private ConntrackTable _churnBatched = null!;
    private ConntrackTable _full = null!;
    private PacketArena _connections = null!;
    private PacketArena _syns = null!;
    private long _now;

    [GlobalSetup]
    public void Setup()
    {
        _now = Workloads.Second;
        _connections = Workloads.Connections(Connections);
        _churn = new ConntrackTable(Workloads.Sized(Connections * 2));
        _churnBatched = new ConntrackTable(Workloads.Sized(Connections * 2));
        _full = new ConntrackTable(Workloads.Sized(FullTable));
        Workloads.Establish(_full, FullTable, _now);
        _syns = Workloads.Syns(FullTable, 1_000_000);
    }

    [Benchmark(OperationsPerInvoke = Connections * 6)]
    public int Churn()
    {
        // Every pass is 200 s after the last: each TIME_WAIT entry has expired and is replaced.
        _now += 200 * Workloads.Second;
        return Workloads.Run(_churn, _connections, _connections.Count, ref _now);
    }

    /// <summary>The same connections through <see cref="ConntrackTable.ProcessBatch"/>.</summary>
    [Benchmark(OperationsPerInvoke = Connections * 6)]
    public int ChurnBatched()
    {
        _now += 200 * Workloads.Second;
        return Workloads.RunBatched(_churnBatched, _connections, _connections.Count, ref _now);
    }

    [Benchmark(OperationsPerInvoke = 1_000_000)]
    public int TableFullFlood() => Workloads.Run(_full, _syns, _syns.Count, ref _now);

    /// <summary>The same flood through <see cref="ConntrackTable.ProcessBatch"/>, as the hit path benchmarks run.</summary>
    [Benchmark(OperationsPerInvoke = 1_000_000)]
    public int TableFullFloodBatched() => Workloads.RunBatched(_full, _syns, _syns.Count, ref _now);
}
