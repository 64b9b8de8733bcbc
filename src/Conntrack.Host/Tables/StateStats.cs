using System.Runtime.CompilerServices;
using Conntrack.Protocols;
using Conntrack.Timeouts;

namespace Conntrack.Host.Tables;

/// <summary>Counts for one protocol/state pair ("tcp ESTABLISHED", "udp").</summary>
public sealed class StateStats
{
    /// <summary>Upper edges of the remaining-time and idle-time bins, seconds; a last bin holds the rest.</summary>
    public static IReadOnlyList<long> BinEdges { get; } = [10, 60, 600, 3600, 86_400];

    /// <summary>Labels of the bins for remaining time.</summary>
    public static IReadOnlyList<string> RemainingLabels { get; } = ["≤10 s", "≤1 min", "≤10 min", "≤1 h", "≤1 day", ">1 day"];

    /// <summary>Labels of the bins for idle time (time since the entry's timeout was last refreshed).</summary>
    public static IReadOnlyList<string> IdleLabels { get; } = ["<10 s", "<1 min", "<10 min", "<1 h", "<1 day", "≥1 day"];

    public StateStats(string label, byte protocol, StateId state, TimeoutClass? timeout)
    {
        Label = label;
        Protocol = protocol;
        State = state;
        Timeout = timeout;
    }

    public string Label { get; }
    public byte Protocol { get; }
    public StateId State { get; }

    /// <summary>The most common timeout class of this state (UDP: of its unassured entries).</summary>
    public TimeoutClass? Timeout { get; }
    public long Count { get; internal set; }
    public long Assured { get; internal set; }
    public long Unreplied { get; internal set; }

    /// <summary>Entries by remaining seconds, bins per <see cref="RemainingLabels"/>.</summary>
    public long[] Remaining { get; } = new long[6];

    /// <summary>Entries by idle seconds (class timeout − remaining), bins per <see cref="IdleLabels"/>; only entries whose class timeout is known.</summary>
    public long[] Idle { get; } = new long[6];

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static int BinOf(long seconds)
    {
        for (int i = 0; i < 5; i++)
        {
            if (seconds <= BinEdges[i])
                return i;
        }
        return 5;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static int IdleBinOf(long seconds)
    {
        for (int i = 0; i < 5; i++)
        {
            if (seconds < BinEdges[i])
                return i;
        }
        return 5;
    }
}
