namespace Conntrack.KernelParity.Tests.Preparation;

/// <summary>
/// The timeline of a prepared capture. Uniform spacing makes tcpreplay's pace (--pps) and the
/// engine's timestamps agree exactly, whatever gaps the source had; original timing keeps the
/// source's gaps for scenarios whose point is a real time gap (UDP's 2-second stream rule).
/// </summary>
internal sealed record ReplayTiming(TimeSpan? Spacing)
{
    /// <summary>One packet every 2 ms: short enough for the whole suite, slow enough for veth's backlog.</summary>
    public static ReplayTiming Default { get; } = new(TimeSpan.FromMilliseconds(2));

    /// <summary>Keep the source's own gaps (tcpreplay honours pcap timestamps when given no rate).</summary>
    public static ReplayTiming Original { get; } = new((TimeSpan?)null);

    public bool IsUniform => Spacing is not null;

    /// <summary>tcpreplay's --pps value matching the spacing.</summary>
    public int PacketsPerSecond => Spacing is { } s ? (int)Math.Round(TimeSpan.FromSeconds(1) / s) : 0;

    public override string ToString() => Spacing is { } s ? $"{s.TotalMilliseconds:0.###} ms spacing" : "original timing";
}
