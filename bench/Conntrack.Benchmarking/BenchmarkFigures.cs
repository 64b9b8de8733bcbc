namespace Conntrack.Benchmarking;

/// <summary>
/// The figures <c>ctnet bench</c> reports (Mpps = million packets per second, one core); rates are
/// the spread of <see cref="QuickBench.Runs"/> timed runs.
/// </summary>
public sealed record BenchmarkFigures
{
    public Spread Hit10kMpps { get; init; }
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
