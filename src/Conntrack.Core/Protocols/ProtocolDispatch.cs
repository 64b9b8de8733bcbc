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

    /// <summary>tcp_error, udp_error, sctp_error and the like: header sanity, flags, and checksums when <paramref name="verifyChecksum"/> (PRE_ROUTING with nf_conntrack_checksum on).</summary>
    public static bool HeaderValid(in PacketInfo p, ReadOnlySpan<byte> ipPacket, bool verifyChecksum) => p.Tuple.Protocol switch
    {
        IpProtocol.Tcp => TcpTracker.IsValidPacket(p) && (!verifyChecksum || L4Checksum.IsValid(ipPacket, p)),
        IpProtocol.Udp or IpProtocol.UdpLite => UdpTracker.IsValidPacket(p) && (!verifyChecksum || L4Checksum.IsValid(ipPacket, p)),
        IpProtocol.Sctp => p.L4Status == L4Status.Ok && SctpTracker.IsValidPacket(L4Bytes(ipPacket, p), verifyChecksum, p.Truncated),
        IpProtocol.Dccp => p.L4Status == L4Status.Ok,
        _ => true,
    };

    /// <summary>The L4 header and payload as far as both the IP header and the capture go.</summary>
    public static ReadOnlySpan<byte> L4Bytes(ReadOnlySpan<byte> ipPacket, in PacketInfo p) =>
        p.L4Offset >= ipPacket.Length ? [] : ipPacket.Slice(p.L4Offset, Math.Min(p.L4Length, ipPacket.Length - p.L4Offset));

    /// <summary>The protocol's state number (TCP, SCTP), for events and dumps; 0 for protocols without one.</summary>
    public static byte StateValue(in Entry entry) => entry.Original.Protocol switch
    {
        IpProtocol.Tcp => (byte)entry.Proto.Tcp.State,
        IpProtocol.Sctp => (byte)entry.Proto.Sctp.State,
        _ => 0,
    };

    /// <summary>gc_worker_can_early_drop: anything not ASSURED, and ASSURED TCP/SCTP associations that are closing.</summary>
    public static bool CanGcEvict(in Entry entry)
    {
        if ((entry.Status & EntryStatus.Assured) == 0)
            return true;
        return entry.Original.Protocol switch
        {
            IpProtocol.Tcp => TcpTracker.CanEarlyDrop(entry.Proto.Tcp.State),
            IpProtocol.Sctp => SctpTracker.CanEarlyDrop(entry.Proto.Sctp.State),
            _ => false,
        };
    }
}
