namespace Conntrack.Benchmarking;

/// <summary>
/// The figures <c>ctnet bench</c> reports (Mpps = million packets per second, one core); rates are
/// the spread of <see cref="QuickBench.Runs"/> timed runs.
/// </summary>
public sealed record BenchmarkFigures
{
    /// <summary>The UDP workload, random connections: 10k, the large table, and 10M when asked.</summary>
    public UdpFigures UdpRandom10k { get; init; } = null!;
    public UdpFigures UdpRandom1m { get; init; } = null!;
    public UdpFigures? UdpRandom10m { get; init; }

    /// <summary>ACKs of established TCP flows visited in creation order (which flatters any table).</summary>
    public Spread Hit10kMpps { get; init; }
    public Spread BaselineHit10kMpps { get; init; }
    public Spread Hit1mMpps { get; init; }
    public Spread ChurnConnectionsPerSecond { get; init; }
    public Spread TableFullFloodMpps { get; init; }
    public Spread ReplayMpps { get; init; }
    /// <summary>The same replay tracked on <see cref="ReplayThreads"/> threads (one per core).</summary>
    public Spread ReplayAllCoresMpps { get; init; }
    public int ReplayThreads { get; init; }
    public double BytesPerFlow { get; init; }
    public double AllocatedBytesPerPacket { get; init; }
    public Spread BaselineHit1mMpps { get; init; }
    public double BaselineBytesPerFlow { get; init; }
    public int Flows1m { get; init; }

    /// <summary>Why the figures may not be this machine's own: a busy machine, stolen time (see <see cref="MachineLoad"/>).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

/// <summary>
/// One table size of the UDP random-lookup workload, for this table and the naive Dictionary one
/// run in the same process: lookups in Mpps, inserts in millions per second, and resident memory
/// per connection (the process's VmRSS growth while the table was filled, divided by connections).
/// </summary>
public sealed record UdpFigures(Spread Lookups, Spread BaselineLookups, Spread Inserts, double BaselineInserts, double RssBytesPerFlow, double BaselineRssBytesPerFlow);
