using BenchmarkDotNet.Attributes;
using Conntrack.Analysis.Benchmarking;

namespace Conntrack.Benchmarks;

/// <summary>The same hit path through the naive Dictionary-based tracker, for the ratio.</summary>
[MemoryDiagnoser]
public class BaselineBenchmarks
{
    private const int Packets = 1_000_000;
    private NaiveTable _table = null!;
    private PacketArena _hits = null!;
    private long _now;

    [Params(10_000, 1_000_000)]
    public int Flows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _table = NaiveTable.Create(Flows);
        _now = Workloads.Second;
        _hits = Workloads.EstablishedAcks(Flows);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Packets)]
    public int DictionaryHit() => _table.Run(_hits, Packets, ref _now);
}
