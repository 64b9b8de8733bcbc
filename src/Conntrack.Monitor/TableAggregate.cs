using System.Text;
using Conntrack.Flows;
using Conntrack.Formats;
using Conntrack.Host.Netlink;

namespace Conntrack.Monitor;

/// <summary>One address as a dictionary key (IPv4 in the low word).</summary>
internal readonly record struct AddressKey(IpFamily Family, ulong Hi, ulong Lo)
{
    public override string ToString()
    {
        var sb = new StringBuilder(39);
        if (Family == IpFamily.V6)
            TupleText.AppendIpv6Compressed(sb, Hi, Lo);
        else
            TupleText.AppendIpv4(sb, (uint)Lo);
        return sb.ToString();
    }
}

/// <summary>A destination port of one protocol (the service an entry is for).</summary>
internal readonly record struct PortKey(byte Protocol, ushort Port);

/// <summary>
/// Entry counts by series and by talker, kept up to date entry by entry as the mirror changes, so that
/// publishing a snapshot costs the number of series and talkers, never a walk over the entries.
/// </summary>
internal sealed class TableAggregate
{
    public Dictionary<SeriesKey, long> Series { get; } = [];
    public Dictionary<AddressKey, long> Sources { get; } = [];
    public Dictionary<AddressKey, long> Destinations { get; } = [];
    public Dictionary<PortKey, long> DestinationPorts { get; } = [];

    public void Add(in KernelEntry entry) => Count(entry, +1);

    public void Remove(in KernelEntry entry) => Count(entry, -1);

    public void Clear()
    {
        Series.Clear();
        Sources.Clear();
        Destinations.Clear();
        DestinationPorts.Clear();
    }

    private void Count(in KernelEntry entry, int delta)
    {
        var tuple = entry.Original;
        Bump(Series, SeriesKey.Of(entry), delta);
        Bump(Sources, new AddressKey(tuple.Family, tuple.SrcHi, tuple.SrcLo), delta);
        Bump(Destinations, new AddressKey(tuple.Family, tuple.DstHi, tuple.DstLo), delta);
        if (FlowTuple.HasPorts(tuple.Protocol))
            Bump(DestinationPorts, new PortKey(tuple.Protocol, tuple.DstId), delta);
    }

    private static void Bump<TKey>(Dictionary<TKey, long> counts, TKey key, int delta) where TKey : notnull
    {
        counts.TryGetValue(key, out long value);
        value += delta;
        if (value <= 0)
            counts.Remove(key);
        else
            counts[key] = value;
    }
}
