using Conntrack.Flows;
using Conntrack.Packets;
using Conntrack.Table;

namespace Conntrack.Protocols;

/// <summary>
/// The static dispatch from the table core to the protocol trackers, a switch on the protocol
/// number as the kernel's per-packet path does (no interfaces or virtual calls per packet).
/// </summary>
internal static class ProtocolDispatch
{
    /// <summary>May this packet create an entry (the trackers' <c>*_new</c> checks)?</summary>
    public static bool NewEntryAccepted(ref Entry entry, in PacketInfo p, long now, TrackerConfig config)
    {
        switch (p.Tuple.Protocol)
        {
            case IpProtocol.Tcp:
                return TcpTracker.New(ref entry, p, config);
            case IpProtocol.Icmp:
            case IpProtocol.IcmpV6:
                return IcmpTracker.New(p);
            case IpProtocol.Udp:
            case IpProtocol.UdpLite:
                UdpTracker.New(ref entry, now);
                return true;
            default:
                return true;
        }
    }

    /// <summary>Runs the protocol's tracker on an entry; <paramref name="timeout"/> is the refresh to apply on Accept.</summary>
    public static TrackVerdict Track(ref Entry entry, in PacketInfo p, ReadOnlySpan<byte> l4, int dir, bool created, long now, uint nowTick, TrackerConfig config, out long timeout) => p.Tuple.Protocol switch
    {
        IpProtocol.Tcp => TcpTracker.Packet(ref entry, p, dir, config, nowTick, out timeout),
        IpProtocol.Udp or IpProtocol.UdpLite => UdpTracker.Packet(ref entry, now, config, out timeout),
        IpProtocol.Icmp or IpProtocol.IcmpV6 => IcmpTracker.Packet(p, config, out timeout),
        IpProtocol.Gre => GreTracker.Packet(ref entry, config, out timeout),
        IpProtocol.Sctp => SctpTracker.Packet(ref entry, l4, dir, created, config, out timeout),
        _ => GenericTracker.Packet(config, out timeout),
    };
}
