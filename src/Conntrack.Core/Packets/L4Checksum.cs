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
        ulong sum = Sum(l4);
        if (protocol == IpProtocol.Icmp)
            return Fold(sum) == 0xFFFF;
        if (protocol == IpProtocol.Udp && l4.Length >= 8 && BinaryPrimitives.ReadUInt16BigEndian(l4[6..]) == 0)
            return true; // udp_error: a zero checksum means "none"
        if (p.Tuple.Family == IpFamily.V4)
        {
            sum += Sum(packet.Slice(12, 8));
        }
        else
        {
            sum += Sum(packet.Slice(8, 32));
        }
        sum += (ulong)protocol + (ulong)(uint)p.L4Length;
        return Fold(sum) == 0xFFFF;
    }

    /// <summary>One's-complement sum of big-endian 16-bit words (odd byte padded), not yet folded.</summary>
    internal static ulong Sum(ReadOnlySpan<byte> data)
    {
        ulong sum = 0;
        int i = 0;
        for (; i + 4 <= data.Length; i += 4)
            sum += BinaryPrimitives.ReadUInt32BigEndian(data[i..]);
        for (; i + 2 <= data.Length; i += 2)
            sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        if (i < data.Length)
            sum += (ulong)data[i] << 8;
        return sum;
    }

    /// <summary>Folds a <see cref="Sum"/> into 16 bits; a correct header or segment folds to 0xFFFF.</summary>
    internal static ushort Fold(ulong sum)
    {
        while ((sum >> 16) != 0)
            sum = (sum & 0xFFFF) + (sum >> 16);
        return (ushort)sum;
    }
}
