using BenchmarkDotNet.Attributes;
using Conntrack.Benchmarking;
using Conntrack.Table;

namespace Conntrack.Benchmarks;

/// <summary>
/// The UDP workload (<see cref="UdpRandomWorkload"/>): lookups of uniformly random
/// connections, half of them replies, written into a hot batch of 32 just before tracking, against
/// the naive Dictionary-based tracker (the baseline). One operation = one packet.
/// </summary>
[MemoryDiagnoser]
public class UdpRandomBenchmarks
{
    private const int Packets = 1_000_000;
    private UdpRandomWorkload _workload = null!;
    private ConntrackTable _table = null!;
    private NaiveTable _naive = null!;

    [Params(10_000, 1_000_000, 10_000_000)]
    public int Flows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _workload = new UdpRandomWorkload(Flows);
        _table = new ConntrackTable(Workloads.Sized(Flows));
        _workload.Insert(_table, Workloads.Second);
        _naive = NaiveTable.Empty(Flows);
        _workload.Insert(_naive, Workloads.Second);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Packets)]
    public int NaiveDictionary() => _workload.Lookups(_naive, Packets, Workloads.Second);

    [Benchmark(OperationsPerInvoke = Packets)]
    public int Batched() => _workload.Lookups(_table, Packets, Workloads.Second);
}

/// <summary>Inserting a million UDP connections in order into an empty table (one operation = one connection), against the naive tracker.</summary>
[MemoryDiagnoser]
public class UdpInsertBenchmarks
{
    private const int Flows = 1_000_000;
    private readonly UdpRandomWorkload _workload = new(Flows);
    private ConntrackTable _table = null!;
    private NaiveTable _naive = null!;

    [IterationSetup]
    public void Empty()
    {
        _table = new ConntrackTable(Workloads.Sized(Flows));
        _naive = NaiveTable.Empty(Flows);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Flows)]
    public int NaiveDictionary() => _workload.Insert(_naive, Workloads.Second);

    [Benchmark(OperationsPerInvoke = Flows)]
    public int Batched() => _workload.Insert(_table, Workloads.Second);
}
