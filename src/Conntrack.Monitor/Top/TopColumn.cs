namespace Conntrack.Monitor.Top;

/// <summary>The columns the entry list can be sorted by (the <c>b</c> key cycles through them in this order).</summary>
public enum TopColumn
{
    Source,
    Destination,
    Protocol,
    State,
    Ttl,
    Packets,
    Bytes,
}

public static class TopColumns
{
    /// <summary>Addresses, protocols and states are listed ascending, time to live and counters largest first (as iptstate); reverse flips.</summary>
    public static bool Ascending(TopColumn column, bool reverse) =>
        (column is TopColumn.Source or TopColumn.Destination or TopColumn.Protocol or TopColumn.State) != reverse;
}
