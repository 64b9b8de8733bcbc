using Conntrack.Flows;
using Conntrack.Table;

namespace Conntrack.Analysis.Reporting;

/// <summary>What a set of entries is made of: counts by protocol, by protocol state, ASSURED and UNREPLIED.</summary>
public sealed class TableComposition
{
    public required int Total { get; init; }
    public required IReadOnlyDictionary<string, int> ByProtocol { get; init; }

    /// <summary>Keys like <c>tcp ESTABLISHED</c>; protocols without states appear under their name alone.</summary>
    public required IReadOnlyDictionary<string, int> ByState { get; init; }
    public required int Assured { get; init; }
    public required int Unreplied { get; init; }

    public static TableComposition Of(IReadOnlyList<EntryView> entries)
    {
        var byProtocol = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var byState = new SortedDictionary<string, int>(StringComparer.Ordinal);
        int assured = 0, unreplied = 0;
        foreach (var e in entries)
        {
            string protocol = ProtocolLabel(e.Protocol);
            byProtocol[protocol] = byProtocol.GetValueOrDefault(protocol) + 1;
            string state = e.StateName is { } name ? $"{protocol} {name}" : protocol;
            byState[state] = byState.GetValueOrDefault(state) + 1;
            if (e.IsAssured)
                assured++;
            if (e.IsUnreplied)
                unreplied++;
        }
        return new TableComposition { Total = entries.Count, ByProtocol = byProtocol, ByState = byState, Assured = assured, Unreplied = unreplied };
    }

    /// <summary>"tcp", "udp", … or "unknown 50" for generic protocols, as /proc names them.</summary>
    public static string ProtocolLabel(byte protocol)
    {
        string name = IpProtocol.Name(protocol);
        return name == "unknown" ? $"unknown {protocol}" : name;
    }
}
