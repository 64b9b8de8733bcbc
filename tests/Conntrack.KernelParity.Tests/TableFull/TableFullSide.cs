using System.Globalization;
using Conntrack.KernelParity.Tests.Comparison;

namespace Conntrack.KernelParity.Tests.TableFull;

/// <summary>What one side (kernel or engine) showed after a table-full replay.</summary>
internal sealed record TableFullSide(
    string Name,
    long Count,
    IReadOnlyList<ProcEntry> Entries,
    ConntrackCounters Counters,
    long EarlyDrop,
    long LogPrinted,
    IReadOnlyList<string> LogTexts,
    IReadOnlyList<string> SuppressedLines)
{
    /// <summary>Entries by protocol, state and flags, e.g. "tcp SYN_SENT [UNREPLIED]" → 200.</summary>
    public IReadOnlyDictionary<string, int> StateMix { get; } = Entries
        .GroupBy(MixKey)
        .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    public int Listed => Entries.Count;

    /// <summary>Entries early drop may evict (not ASSURED).</summary>
    public int Unassured => Entries.Count(e => !e.Assured);

    public static string MixKey(ProcEntry e)
    {
        string protocol = e.Protocol switch
        {
            1 => "icmp",
            6 => "tcp",
            17 => "udp",
            58 => "icmpv6",
            132 => "sctp",
            _ => e.Protocol.ToString(CultureInfo.InvariantCulture),
        };
        string flags = (e.Assured ? " [ASSURED]" : string.Empty) + (e.Unreplied ? " [UNREPLIED]" : string.Empty);
        return e.State is { } state ? $"{protocol} {state}{flags}" : protocol + flags;
    }

    public string Describe() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Name}: count {Count} (listed {Listed}), drop {Counters.Drop}, early_drop {EarlyDrop}, invalid {Counters.Invalid}, error {Counters.Error}, "
        + $"log {LogPrinted} printed, mix {{{string.Join("; ", StateMix.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}: {p.Value}"))}}}");
}
