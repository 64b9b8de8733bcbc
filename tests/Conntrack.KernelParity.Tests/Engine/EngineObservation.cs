using Conntrack.KernelParity.Tests.Comparison;

namespace Conntrack.KernelParity.Tests.Engine;

/// <summary>What the engine's table showed after replaying the same prepared capture.</summary>
internal sealed class EngineObservation
{
    /// <summary>The table as /proc/net/nf_conntrack lines (EntryFormatter.ProcLine).</summary>
    public required IReadOnlyList<string> ProcLines { get; init; }

    public required ConntrackCounters Counters { get; init; }

    /// <summary>Packets the engine was handed (must equal the prepared count).</summary>
    public required long Packets { get; init; }
}
