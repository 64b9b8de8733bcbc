using Conntrack.Host.Listing;

namespace Conntrack.Monitor.Top;

/// <summary>What the grouped view of <c>ctnet top</c> counts entries by (the <c>g</c> key cycles through them in this order).</summary>
public enum TopGrouping
{
    Source,
    Destination,
    DestinationPort,
    ProtocolState,
    Namespace,
    Zone,
    Mark,
}

/// <summary>The names a grouping is chosen by and shown under, and the <c>count --by</c> fields it groups on.</summary>
public static class TopGroupings
{
    public static IReadOnlyList<TopGrouping> All { get; } = Enum.GetValues<TopGrouping>();

    public static string Name(TopGrouping grouping) => grouping switch
    {
        TopGrouping.Source => "src",
        TopGrouping.Destination => "dst",
        TopGrouping.DestinationPort => "dport",
        TopGrouping.ProtocolState => "state",
        TopGrouping.Namespace => "netns",
        TopGrouping.Zone => "zone",
        _ => "mark",
    };

    public static TopGrouping? Parse(string name) => All.Cast<TopGrouping?>().FirstOrDefault(g => Name(g!.Value) == name);

    public static TopGrouping Next(TopGrouping grouping) => All[((int)grouping + 1) % All.Count];

    /// <summary>Ports mean nothing without their protocol, nor states: those groups carry the protocol too. A namespace is one group.</summary>
    internal static GroupBy By(TopGrouping grouping) => grouping switch
    {
        TopGrouping.Source => GroupBy.Src,
        TopGrouping.Destination => GroupBy.Dst,
        TopGrouping.DestinationPort => GroupBy.Proto | GroupBy.Dport,
        TopGrouping.ProtocolState => GroupBy.Proto | GroupBy.State,
        TopGrouping.Zone => GroupBy.Zone,
        TopGrouping.Mark => GroupBy.Mark,
        _ => GroupBy.None,
    };
}
