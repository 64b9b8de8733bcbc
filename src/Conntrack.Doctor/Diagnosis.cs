using Conntrack.Host;

namespace Conntrack.Doctor;

/// <summary>The doctor's findings for one host: verdict and evidence first, then the facts behind them and what to do.</summary>
public sealed class Diagnosis
{
    public required HostObservation Host { get; init; }
    public required Verdict Verdict { get; init; }

    /// <summary>One sentence: the verdict with its main number.</summary>
    public required string Headline { get; init; }

    /// <summary>The facts the verdict rests on, most telling first.</summary>
    public required IReadOnlyList<string> Evidence { get; init; }

    /// <summary>Other conditions that hold too (e.g. long chains beside a full table).</summary>
    public required IReadOnlyList<Verdict> AlsoSeen { get; init; }
    public required TableUsage Usage { get; init; }

    /// <summary>Notes about namespaces, zones and where numbers come from.</summary>
    public required IReadOnlyList<string> Notes { get; init; }
    public required MemoryAssessment Memory { get; init; }
    public required IReadOnlyList<TimeoutChange> TimeoutProjections { get; init; }

    /// <summary>Count after the proposed timeout changes (entries that would already have expired removed).</summary>
    public long? ProjectedCountAfterTimeouts { get; init; }
    public required IReadOnlyList<Recommendation> Recommendations { get; init; }
    public PersistentFile? SysctlFile { get; init; }
    public PersistentFile? ModprobeFile { get; init; }

    /// <summary>The max the doctor proposes, when it proposes one.</summary>
    public long? RecommendedMax { get; init; }
    public long? RecommendedBuckets { get; init; }
}
