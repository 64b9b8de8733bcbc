using System.Buffers.Binary;
using Conntrack.Flows;

namespace Conntrack.Packets;

/// <summary>
/// What the IP layer of a Linux router does with a packet around conntrack: ip_rcv / ipv6_rcv
/// drop broken headers before any netfilter hook, and routing drops martians after PRE_ROUTING
/// (so their conntrack entry is never confirmed).
/// </summary>
public static class IpLayer
{
    /// <summary>
    /// ip_rcv_core / ip6_rcv_core: version, header length, total length not below the header, IPv4
    /// header checksum. A capture cut short by its snap length still passes: the kernel saw it whole.
    /// </summary>
    public static bool Accepts(ReadOnlySpan<byte> packet) => Accepts(packet, received: true);

    /// <summary>
    /// <see cref="Accepts(ReadOnlySpan{byte})"/> for a received packet; a packet the host sends
    /// itself never passes ip_rcv, so only what parsing needs is checked (loopback addresses are its own).
    /// </summary>
    public static bool Accepts(ReadOnlySpan<byte> packet, bool received)
    {
        if (packet.IsEmpty)
            return false;
        int version = packet[0] >> 4;
        if (version == 6)
        {
            if (packet.Length < 40)
                return false;
            if (!received)
                return true;
            // RFC 4291: loopback never arrives from a wire, multicast is never a source (ip6_rcv_core).
            ulong srcHi = BinaryPrimitives.ReadUInt64BigEndian(packet[8..]), srcLo = BinaryPrimitives.ReadUInt64BigEndian(packet[16..]);
            ulong dstHi = BinaryPrimitives.ReadUInt64BigEndian(packet[24..]), dstLo = BinaryPrimitives.ReadUInt64BigEndian(packet[32..]);
            bool loopback = (srcHi == 0 && srcLo == 1) || (dstHi == 0 && dstLo == 1);
            return !loopback && (srcHi >> 56) != 0xFF;
        }
        if (version != 4 || packet.Length < 20)
            return false;
        int ihl = (packet[0] & 0x0F) * 4;
        if (ihl < 20 || packet.Length < ihl)
            return false;
        if (BinaryPrimitives.ReadUInt16BigEndian(packet[2..]) < ihl)
            return false;
        return !received || InternetChecksum.Fold(InternetChecksum.Add(0, packet[..ihl])) == 0xFFFF;
    }

    /// <summary>
    /// Addresses a router refuses to route after conntrack has seen the packet: IPv4 martians
    /// (ip_route_input_slow: source in 0/8, 127/8, multicast or broadcast; destination in 0/8 or
    /// 127/8) and the IPv6 unspecified source.
    /// </summary>
    public static bool IsMartian(in FlowTuple tuple)
    {
        if (tuple.Family == IpFamily.V4)
        {
            uint src = tuple.SrcV4, dst = tuple.DstV4;
            byte srcNet = (byte)(src >> 24), dstNet = (byte)(dst >> 24);
            bool badSource = srcNet is 0 or 127 || srcNet >= 224;
            bool badDestination = dstNet is 0 or 127;
            return badSource || badDestination;
        }
        return tuple.SrcHi == 0 && tuple.SrcLo == 0;
    }
}
