using Conntrack.KernelParity.Tests.Comparison;

namespace Conntrack.KernelParity.Tests.Kernel;

/// <summary>What B showed after a replay.</summary>
internal sealed class KernelObservation
{
    /// <summary>B's /proc/net/nf_conntrack, read right after tcpreplay finished.</summary>
    public required string ProcText { get; init; }

    /// <summary>B's <c>conntrack -S</c> output.</summary>
    public required string StatsText { get; init; }

    public required ConntrackCounters Counters { get; init; }

    /// <summary>Time from the last packet (tcpreplay's exit) to the /proc read; the engine is read as late.</summary>
    public required TimeSpan ReadDelay { get; init; }

    /// <summary>How long tcpreplay took for the whole file (compared with the prepared timeline).</summary>
    public required TimeSpan ReplayDuration { get; init; }

    /// <summary>Frames b0 received / dropped during the replay.</summary>
    public required long Received { get; init; }
    public required long ReceiveDropped { get; init; }
}
