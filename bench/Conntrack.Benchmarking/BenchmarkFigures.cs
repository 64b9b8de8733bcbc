namespace Conntrack.Benchmarking;

/// <summary>The figures <c>ctnet bench</c> reports (Mpps = million packets per second, one core).</summary>
public sealed record BenchmarkFigures
{
    public double Hit10kMpps { get; init; }
    public double Hit1mMpps { get; init; }
    public double ChurnConnectionsPerSecond { get; init; }
    public double TableFullFloodMpps { get; init; }
    public double ReplayMpps { get; init; }
    /// <summary>The same replay tracked on <see cref="ReplayThreads"/> threads (one per core).</summary>
    public double ReplayAllCoresMpps { get; init; }
    public int ReplayThreads { get; init; }
    public double BytesPerFlow { get; init; }
    public double AllocatedBytesPerPacket { get; init; }
    public double BaselineHit1mMpps { get; init; }
    public double BaselineBytesPerFlow { get; init; }
    public int Flows1m { get; init; }
}
