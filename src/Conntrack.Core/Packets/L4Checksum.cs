using System.Buffers.Binary;
using Conntrack.Flows;

namespace Conntrack.Packets;

/// <summary>Internet checksum verification of TCP, UDP, ICMP and ICMPv6 (what <c>nf_checksum</c> checks at PRE_ROUTING).</summary>
public static class L4Checksum
{
    /// <summary>
    /// True when the L4 checksum is correct, or cannot be checked because the capture cut the packet
    /// short (the kernel saw the whole packet; we give it the benefit of the doubt), or because the
    /// packet is a first fragment (the checksum covers the reassembled datagram the kernel would see).
    /// </summary>
    public static bool IsValid(ReadOnlySpan<byte> packet, in PacketInfo p)
    {
        if (p.Truncated || p.FirstFragment || p.L4Offset + p.L4Length > packet.Length)
            return true;
        var l4 = packet.Slice(p.L4Offset, p.L4Length);
        byte protocol = p.Tuple.Protocol;
        ulong sum = InternetChecksum.Add(0, l4);
        if (protocol == IpProtocol.Icmp)
            return InternetChecksum.Fold(sum) == 0xFFFF;
        if (protocol == IpProtocol.Udp && l4.Length >= 8 && BinaryPrimitives.ReadUInt16BigEndian(l4[6..]) == 0)
            return true; // udp_error: a zero checksum means "none"
        sum += p.Tuple.Family == IpFamily.V4
            ? InternetChecksum.PseudoHeader4(BinaryPrimitives.ReadUInt32BigEndian(packet[12..]), BinaryPrimitives.ReadUInt32BigEndian(packet[16..]), protocol, p.L4Length)
            : InternetChecksum.PseudoHeader6(packet.Slice(8, 16), packet.Slice(24, 16), protocol, p.L4Length);
        return InternetChecksum.Fold(sum) == 0xFFFF;
    }
}
