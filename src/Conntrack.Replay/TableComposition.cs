using System.Text;
using Conntrack.Flows;
using Conntrack.Formats;
using Conntrack.Table;

namespace Conntrack.Replay;

/// <summary>
/// What a set of entries is made of: counts by protocol, by protocol state, ASSURED and UNREPLIED,
/// and the top sources, destinations and destination ports (original direction).
/// </summary>
public sealed class TableComposition
{
    public const int DefaultTop = 10;

    /// <summary>When the entries were taken (Unix nanoseconds), or 0 when not tied to a moment.</summary>
    public long Timestamp { get; init; }
    public required int Total { get; init; }
    public required IReadOnlyDictionary<string, int> ByProtocol { get; init; }

    /// <summary>Keys like <c>tcp ESTABLISHED</c>; protocols without states appear under their name alone.</summary>
    public required IReadOnlyDictionary<string, int> ByState { get; init; }
    public required int Assured { get; init; }
    public required int Unreplied { get; init; }
    public IReadOnlyList<KeyValuePair<string, int>> TopSources { get; init; } = [];
    public IReadOnlyList<KeyValuePair<string, int>> TopDestinations { get; init; } = [];
    public IReadOnlyList<KeyValuePair<string, int>> TopDestinationPorts { get; init; } = [];

    public static TableComposition Of(IReadOnlyList<EntryView> entries, long timestamp = 0, int top = DefaultTop)
    {
        var byProtocol = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var byState = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var sources = new Dictionary<(ulong, ulong, IpFamily), int>();
        var destinations = new Dictionary<(ulong, ulong, IpFamily), int>();
        var ports = new Dictionary<(byte, ushort), int>();
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
            var o = e.Original;
            var src = (o.SrcHi, o.SrcLo, o.Family);
            var dst = (o.DstHi, o.DstLo, o.Family);
            sources[src] = sources.GetValueOrDefault(src) + 1;
            destinations[dst] = destinations.GetValueOrDefault(dst) + 1;
            if (FlowTuple.HasPorts(o.Protocol))
                ports[(o.Protocol, o.DstId)] = ports.GetValueOrDefault((o.Protocol, o.DstId)) + 1;
        }
        return new TableComposition
        {
            Timestamp = timestamp,
            Total = entries.Count,
            ByProtocol = byProtocol,
            ByState = byState,
            Assured = assured,
            Unreplied = unreplied,
            TopSources = Top(sources, top, k => Address(k)),
            TopDestinations = Top(destinations, top, k => Address(k)),
            TopDestinationPorts = Top(ports, top, k => $"{IpProtocol.Name(k.Item1)}/{k.Item2}"),
        };
    }

    private static List<KeyValuePair<string, int>> Top<TKey>(Dictionary<TKey, int> counts, int top, Func<TKey, string> label)
        where TKey : notnull =>
        [.. counts.OrderByDescending(kv => kv.Value).Take(top).Select(kv => new KeyValuePair<string, int>(label(kv.Key), kv.Value))];

    private static string Address((ulong Hi, ulong Lo, IpFamily Family) a)
    {
        var sb = new StringBuilder(40);
        if (a.Family == IpFamily.V4)
            TupleText.AppendIpv4(sb, (uint)a.Lo);
        else
            TupleText.AppendIpv6Compressed(sb, a.Hi, a.Lo);
        return sb.ToString();
    }

    /// <summary>"tcp", "udp", … or "unknown 50" for generic protocols, as /proc names them.</summary>
    public static string ProtocolLabel(byte protocol)
    {
        string name = IpProtocol.Name(protocol);
        return name == "unknown" ? $"unknown {protocol}" : name;
    }
}
