using Conntrack.Flows;
using Conntrack.Packets;
using Conntrack.Timeouts;

namespace Conntrack.Protocols;

/// <summary>ICMP and ICMPv6 queries (nf_conntrack_proto_icmp.c, _icmpv6.c). Errors are handled by the table, which owns lookups.</summary>
internal static class IcmpTracker
{
    /// <summary><c>valid_new</c>: only request types create entries; replies are refused after allocation.</summary>
    public static bool New(in PacketInfo p) =>
        p.Tuple.Protocol == IpProtocol.Icmp ? IcmpTypes.CreatesEntryV4(p.IcmpType) : IcmpTypes.CreatesEntryV6(p.IcmpType);

    public static TrackVerdict Packet(in PacketInfo p, TrackerConfig config, out long timeout)
    {
        timeout = p.Tuple.Protocol == IpProtocol.Icmp ? config.Timeout(TimeoutClass.Icmp) : config.Timeout(TimeoutClass.Icmpv6);
        return TrackVerdict.Accept;
    }
}
