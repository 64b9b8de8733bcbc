using Conntrack.Replay.Memory;
using Conntrack.Host.Resources;

namespace Conntrack.Doctor;

/// <summary>The table's kernel memory now, when full, and after the recommended change; and whether the host can afford more.</summary>
public sealed class MemoryAssessment
{
    public required MemoryProfile Profile { get; init; }

    /// <summary>Where the object size came from: the host's slabinfo, its boot banner, or an assumption.</summary>
    public required string ProfileSource { get; init; }
    public required bool Extensions { get; init; }
    public bool PageSizeAssumed { get; init; }
    public ConntrackMemoryEstimate? Now { get; init; }
    public ConntrackMemoryEstimate? AtMax { get; init; }
    public ConntrackMemoryEstimate? AtRecommended { get; internal set; }

    /// <summary>What the conntrack slab caches hold right now, from /proc/slabinfo.</summary>
    public SlabCache? Observed { get; init; }
    public long? ObservedBytes { get; init; }
    public long? MemTotal { get; init; }

    /// <summary>MemAvailable (or its pre-3.14 estimate); LowFree on 32-bit highmem hosts.</summary>
    public long? Available { get; init; }
    public string AvailableSource { get; init; } = "MemAvailable";
    public bool Pressure { get; init; }
    public string? PressureReason { get; init; }
}
