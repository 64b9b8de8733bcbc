using BenchmarkDotNet.Attributes;
using Conntrack.Benchmarking;
using Conntrack.Table;

namespace Conntrack.Benchmarks;

/// <summary>
/// Packets of established flows: the table's hit path, one core, against the naive
/// Dictionary-based tracker (the baseline, so every figure is also a ratio). One operation = one packet.
/// </summary>
[MemoryDiagnoser]
public class HitPathBenchmarks
{
    private const int Packets = 1_000_000;
    private ConntrackTable _table = null!;
    private NaiveTable _naive = null!;
    private PacketArena _hits = null!;
    private long _now;

    [Params(10_000, 1_000_000, 10_000_000)]
    public int Flows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _table = new ConntrackTable(Workloads.Sized(Flows));
        _now = Workloads.Second;
        Workloads.Establish(_table, Flows, _now);
        _naive = NaiveTable.Create(Flows);
        _hits = Workloads.EstablishedAcks(Flows);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Packets)]
    public int NaiveDictionary() => _naive.Run(_hits, Packets, ref _now);

    [Benchmark(OperationsPerInvoke = Packets)]
    public int OneByOne() => Workloads.Run(_table, _hits, Packets, ref _now);

    [Benchmark(OperationsPerInvoke = Packets)]
    public int Batched() => Workloads.RunBatched(_table, _hits, Packets, ref _now);
}
