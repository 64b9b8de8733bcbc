using Conntrack.Flows;

namespace Conntrack.Host.Netlink;

/// <summary>Which fields of a tuple a <see cref="TupleFilter"/> compares: the kernel's CTA_FILTER flag bits.</summary>
[Flags]
public enum TupleFields : uint
{
    None = 0,
    SourceAddress = 0x001,
    DestinationAddress = 0x002,
    Zone = 0x004,
    Protocol = 0x008,
    SourcePort = 0x010,
    DestinationPort = 0x020,
    IcmpType = 0x040,
    IcmpCode = 0x080,
    IcmpId = 0x100,
    Icmpv6Type = 0x200,
    Icmpv6Code = 0x400,
    Icmpv6Id = 0x800,
}

/// <summary>
/// Exact-match filter on one direction's tuple, as the kernel's CTA_FILTER applies it (5.8+): the chosen
/// <see cref="Fields"/> of <see cref="Values"/> must equal the entry's. Port and ICMP fields need
/// <see cref="TupleFields.Protocol"/>; ports are compared for TCP and UDP only (ctnetlink_filter_match_tuple).
/// </summary>
public sealed record TupleFilter(FlowTuple Values, TupleFields Fields)
{
    public bool Matches(in FlowTuple tuple)
    {
        var v = Values;
        var f = Fields;
        if ((f & TupleFields.SourceAddress) != 0 && (v.SrcHi != tuple.SrcHi || v.SrcLo != tuple.SrcLo))
            return false;
        if ((f & TupleFields.DestinationAddress) != 0 && (v.DstHi != tuple.DstHi || v.DstLo != tuple.DstLo))
            return false;
        if ((f & TupleFields.Zone) != 0 && v.Zone != tuple.Zone)
            return false;
        if ((f & TupleFields.Protocol) != 0 && v.Protocol != tuple.Protocol)
            return false;
        return tuple.Protocol switch
        {
            IpProtocol.Tcp or IpProtocol.Udp =>
                ((f & TupleFields.SourcePort) == 0 || v.SrcId == tuple.SrcId) && ((f & TupleFields.DestinationPort) == 0 || v.DstId == tuple.DstId),
            IpProtocol.Icmp => Icmp(v, tuple, f, TupleFields.IcmpType, TupleFields.IcmpCode, TupleFields.IcmpId),
            IpProtocol.IcmpV6 => Icmp(v, tuple, f, TupleFields.Icmpv6Type, TupleFields.Icmpv6Code, TupleFields.Icmpv6Id),
            _ => true,
        };
    }

    private static bool Icmp(in FlowTuple v, in FlowTuple t, TupleFields f, TupleFields type, TupleFields code, TupleFields id) =>
        ((f & type) == 0 || v.IcmpType == t.IcmpType) && ((f & code) == 0 || v.IcmpCode == t.IcmpCode) && ((f & id) == 0 || v.SrcId == t.SrcId);
}
