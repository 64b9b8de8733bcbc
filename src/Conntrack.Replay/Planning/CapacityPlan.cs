using Conntrack.Capture;
using Conntrack.Replay.Memory;
using Conntrack.Timeouts;

namespace Conntrack.Replay.Planning;

/// <summary>The smallest safe table for a capture, what it costs, and what shorter timeouts would do.</summary>
public sealed record CapacityPlan
{
    /// <summary>Entries the traffic needs with no limit at all (peak of an unlimited table).</summary>
    public required int UnlimitedPeak { get; init; }

    /// <summary>What the capture held for the tracker (from the unlimited replay).</summary>
    public required PlanInput Input { get; init; }

    /// <summary>False when the traffic created no entry (no IP packets, or none the tracker accepted): there is nothing to size from.</summary>
    public bool HasTraffic => UnlimitedPeak > 0;

    /// <summary>Smallest <c>nf_conntrack_max</c> that dropped nothing (early drop may still have evicted unassured entries).</summary>
    public required int SmallestSafeMax { get; init; }

    /// <summary>The steady state the traffic leads to, or null when the capture is too short to project from.</summary>
    public required TableProjection? Projection { get; init; }

    /// <summary>What the recommendation was sized from: the larger of the smallest safe limit and the projected peak.</summary>
    public required PlanBasis Basis { get; init; }

    /// <summary>The entries the recommendation adds headroom to.</summary>
    public int SizedFor => Basis == PlanBasis.Projection && Projection is { } p ? p.Peak : SmallestSafeMax;

    public required double Headroom { get; init; }
    public required int RecommendedMax { get; init; }
    public required int RecommendedBuckets { get; init; }
    public required ConntrackMemoryEstimate MemoryAtRecommended { get; init; }
    public required MemoryProfile MemoryProfile { get; init; }

    /// <summary>Every limit tried, in the order tried: its drops and early drops.</summary>
    public required IReadOnlyList<PlanCandidate> Candidates { get; init; }

    /// <summary>Peak of an unlimited table with one timeout shortened.</summary>
    public required IReadOnlyList<TimeoutWhatIf> TimeoutWhatIfs { get; init; }
}

/// <summary>Where a plan's size comes from.</summary>
public enum PlanBasis
{
    /// <summary>The capture's own peak: the table had filled within it (or the projection was smaller).</summary>
    ObservedPeak,

    /// <summary>The projected steady state: the capture ended before the table filled.</summary>
    Projection,
}

/// <summary>Records read, IP packets tracked, and what was skipped (with the link types not decoded).</summary>
public sealed record PlanInput(long Records, long Packets, IReadOnlyDictionary<SkipReason, long> Skipped, IReadOnlyList<LinkType> UnsupportedLinkTypes);

public readonly record struct PlanCandidate(int Max, long Drops, long EarlyDrops, int Peak);

public readonly record struct TimeoutWhatIf(TimeoutClass Timeout, long CurrentSeconds, long ProposedSeconds, int Peak, int UnlimitedPeak)
{
    /// <summary>The sysctl that sets the timeout.</summary>
    public string Setting => Timeout.SysctlName();
}
