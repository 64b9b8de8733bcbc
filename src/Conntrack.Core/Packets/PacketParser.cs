using System.Buffers.Binary;
using Conntrack.Flows;

namespace Conntrack.Packets;

/// <summary>
/// Decodes an IP packet (starting at the IP header) into a <see cref="PacketInfo"/> without allocating.
/// Never throws on malformed input: it reports what it found in <see cref="PacketInfo.Status"/>
/// and <see cref="PacketInfo.L4Status"/>, mirroring where the kernel gives up.
/// </summary>
public static class PacketParser
{
    private const int MaxExtensionHeaders = 16;

    public static void Parse(ReadOnlySpan<byte> packet, ushort zone, out PacketInfo info)
    {
        info = default;
        info.WindowScale = -1;
        if (packet.IsEmpty)
        {
            info.Status = ParseStatus.Truncated;
            return;
        }
        int version = packet[0] >> 4;
        if (version == 4)
            ParseV4(packet, zone, ref info);
        else if (version == 6)
            ParseV6(packet, zone, ref info);
        else
            info.Status = ParseStatus.BadHeader;
    }

    private static void ParseV4(ReadOnlySpan<byte> packet, ushort zone, ref PacketInfo info)
    {
        if (packet.Length < 20)
        {
            info.Status = ParseStatus.Truncated;
            return;
        }
        int ihl = (packet[0] & 0x0F) * 4;
        int total = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        if (ihl < 20 || total < ihl)
        {
            info.Status = ParseStatus.BadHeader;
            return;
        }
        if (ihl > packet.Length)
        {
            info.Status = ParseStatus.Truncated;
            return;
        }
        ushort fragment = BinaryPrimitives.ReadUInt16BigEndian(packet[6..]);
        if ((fragment & 0x1FFF) != 0)
        {
            info.Status = ParseStatus.Fragment;
            return;
        }
        info.FirstFragment = (fragment & 0x2000) != 0;
        info.IpLength = total;
        info.Truncated = packet.Length < total;
        byte protocol = packet[9];
        uint src = BinaryPrimitives.ReadUInt32BigEndian(packet[12..]);
        uint dst = BinaryPrimitives.ReadUInt32BigEndian(packet[16..]);
        info.Tuple = FlowTuple.V4(src, dst, protocol, 0, 0, zone);
        info.L4Offset = ihl;
        info.L4Length = total - ihl;
        // Ethernet padding follows short packets; only the declared bytes belong to L4.
        var l4 = packet[ihl..Math.Min(packet.Length, total)];
        ParseL4(l4, ref info, allowInner: true);
    }

    private static void ParseV6(ReadOnlySpan<byte> packet, ushort zone, ref PacketInfo info)
    {
        if (packet.Length < 40)
        {
            info.Status = ParseStatus.Truncated;
            return;
        }
        int payloadLength = BinaryPrimitives.ReadUInt16BigEndian(packet[4..]);
        int total = 40 + payloadLength;
        info.IpLength = total;
        info.Truncated = packet.Length < total;
        var limit = packet[..Math.Min(packet.Length, total)];

        // ipv6_skip_exthdr: hop-by-hop, routing, destination options, AH and fragment headers are skipped.
        var chain = new Ipv6ExtensionWalker(limit);
        var end = chain.SkipToUpperLayer(MaxExtensionHeaders);
        info.FirstFragment = chain.FirstFragment;
        info.HasFragmentHeader = chain.HasFragmentHeader;
        if (end != Ipv6ChainEnd.Reached)
        {
            info.Status = end == Ipv6ChainEnd.LaterFragment ? ParseStatus.Fragment
                : limit.Length < total ? ParseStatus.Truncated : ParseStatus.BadExtensionHeader;
            return;
        }
        byte next = chain.Current;
        int offset = chain.Offset;
        if (next == Ipv6ExtensionHeader.NoNextHeader || offset > total)
        {
            info.Status = ParseStatus.BadExtensionHeader;
            return;
        }
        info.Tuple = FlowTuple.V6(packet[8..24], packet[24..40], next, 0, 0, zone);
        info.L4Offset = offset;
        info.L4Length = total - offset;
        var l4 = offset <= limit.Length ? limit[offset..] : [];
        ParseL4(l4, ref info, allowInner: true);
    }

    private static void ParseL4(ReadOnlySpan<byte> l4, ref PacketInfo info, bool allowInner)
    {
        byte protocol = info.Tuple.Protocol;
        switch (protocol)
        {
            case IpProtocol.Tcp:
                ParseTcp(l4, ref info);
                break;
            case IpProtocol.Udp:
            case IpProtocol.UdpLite:
            case IpProtocol.Sctp:
            case IpProtocol.Dccp:
                ParsePorts(l4, ref info);
                break;
            case IpProtocol.Icmp:
            case IpProtocol.IcmpV6:
                ParseIcmp(l4, ref info, allowInner);
                break;
            case IpProtocol.Gre:
                // GREv0 has no conntrack key: it behaves like a generic protocol with key 0.
                break;
        }
    }

    private static void ParsePorts(ReadOnlySpan<byte> l4, ref PacketInfo info)
    {
        // The tuple needs only the ports; the rest is the tracker's business.
        if (!TryReadPorts(l4, ref info))
            return;
        int minimum = info.Tuple.Protocol is IpProtocol.Udp or IpProtocol.UdpLite ? 8 : 4;
        if (l4.Length < minimum || info.L4Length < minimum)
        {
            info.L4Status = L4Status.TooShort;
            return;
        }
        if (info.Tuple.Protocol == IpProtocol.Udp)
        {
            int udpLength = BinaryPrimitives.ReadUInt16BigEndian(l4[4..]);
            // udp_error: length field beyond the packet or below the header size. A first fragment
            // stands for the datagram the kernel would see after reassembly, whose length the field gives.
            if ((udpLength > info.L4Length && !info.FirstFragment) || udpLength < 8)
                info.L4Status = L4Status.Malformed;
            info.PayloadLength = Math.Max(0, udpLength - 8);
        }
    }

    /// <summary>nf_ct_get_tuple_ports: without both ports no tuple can be built.</summary>
    private static bool TryReadPorts(ReadOnlySpan<byte> l4, ref PacketInfo info)
    {
        if (l4.Length < 4 || info.L4Length < 4)
        {
            info.L4Status = L4Status.NoTuple;
            return false;
        }
        info.Tuple = info.Tuple.WithIds(BinaryPrimitives.ReadUInt16BigEndian(l4), BinaryPrimitives.ReadUInt16BigEndian(l4[2..]));
        return true;
    }

    private static void ParseTcp(ReadOnlySpan<byte> l4, ref PacketInfo info)
    {
        if (!TryReadPorts(l4, ref info))
            return;
        // tcp_error judges the header by the IP packet's length; a capture cut by its snap length
        // holds less than the kernel saw, which is not a short packet.
        if (info.L4Length < 20)
        {
            info.L4Status = L4Status.TooShort;
            return;
        }
        if (l4.Length < 14)
        {
            info.L4Status = L4Status.Unseen;
            return;
        }
        info.Seq = BinaryPrimitives.ReadUInt32BigEndian(l4[4..]);
        info.Ack = BinaryPrimitives.ReadUInt32BigEndian(l4[8..]);
        int headerLength = (l4[12] >> 4) * 4;
        info.TcpFlags = (TcpFlags)l4[13];
        // An unseen window is taken as open (not as a zero window, which would choose a timeout).
        info.Window = l4.Length >= 16 ? BinaryPrimitives.ReadUInt16BigEndian(l4[14..]) : ushort.MaxValue;
        if (headerLength < 20 || headerLength > info.L4Length)
        {
            info.L4Status = L4Status.Malformed;
            return;
        }
        info.TcpHeaderLength = headerLength;
        info.PayloadLength = info.L4Length - headerLength;
        info.TcpHeaderCut = l4.Length < Math.Max(16, headerLength);
        if (headerLength > 20 && headerLength <= l4.Length)
            ParseTcpOptions(l4[20..headerLength], ref info);
        else if (headerLength > l4.Length && (info.TcpFlags & TcpFlags.Syn) != 0)
            info.WindowScale = 14; // a SYN's options unseen: the largest scale RFC 7323 allows, so no window is judged too small

    }

    /// <summary>Reads the options tcp_options/tcp_sack look at: window scale, SACK-permitted, SACK blocks.</summary>
    private static void ParseTcpOptions(ReadOnlySpan<byte> options, ref PacketInfo info)
    {
        int i = 0;
        while (i < options.Length)
        {
            byte kind = options[i];
            if (kind == 0)
                return;
            if (kind == 1)
            {
                i++;
                continue;
            }
            if (i + 1 >= options.Length)
                return;
            int length = options[i + 1];
            if (length < 2 || i + length > options.Length)
                return;
            switch (kind)
            {
                case 3 when length == 3:
                    // RFC 7323 caps the shift at 14; the kernel clamps larger values.
                    info.WindowScale = (sbyte)Math.Min((int)options[i + 2], 14);
                    break;
                case 4 when length == 2:
                    info.SackPermitted = true;
                    break;
                case 5 when length >= 10 && (length - 2) % 8 == 0:
                    for (int block = i + 2; block + 8 <= i + length; block += 8)
                    {
                        uint right = BinaryPrimitives.ReadUInt32BigEndian(options[(block + 4)..]);
                        if (!info.HasSack || (int)(right - info.SackRightEdge) > 0)
                            info.SackRightEdge = right;
                        info.HasSack = true;
                    }
                    break;
            }
            i += length;
        }
    }

    private static void ParseIcmp(ReadOnlySpan<byte> l4, ref PacketInfo info, bool allowInner)
    {
        if (l4.Length < 8 || info.L4Length < 8)
        {
            info.L4Status = L4Status.TooShort;
            return;
        }
        info.IcmpType = l4[0];
        info.IcmpCode = l4[1];
        ushort id = BinaryPrimitives.ReadUInt16BigEndian(l4[4..]);
        info.Tuple = info.Tuple.WithIds(id, (ushort)((info.IcmpType << 8) | info.IcmpCode));
        bool v4 = info.Tuple.Protocol == IpProtocol.Icmp;
        info.IsIcmpError = v4 ? IcmpTypes.IsErrorV4(info.IcmpType) : IcmpTypes.IsErrorV6(info.IcmpType);
        if (!info.IsIcmpError || !allowInner)
            return;
        // The quoted packet: its IP header and at least the first 8 bytes of its L4 header.
        PacketParser.ParseInner(l4[8..], info.Tuple.Zone, ref info);
    }

    private static void ParseInner(ReadOnlySpan<byte> quoted, ushort zone, ref PacketInfo outer)
    {
        if (quoted.IsEmpty)
            return;
        var inner = default(PacketInfo);
        inner.WindowScale = -1;
        int version = quoted[0] >> 4;
        bool expected = outer.Tuple.Protocol == IpProtocol.Icmp ? version == 4 : version == 6;
        if (!expected)
            return;
        // Quoted packets are cut short by design: parse only the headers and the first 8 L4 bytes.
        if (version == 4)
        {
            if (quoted.Length < 20)
                return;
            int ihl = (quoted[0] & 0x0F) * 4;
            if (ihl < 20 || quoted.Length < ihl + 8)
                return;
            if ((BinaryPrimitives.ReadUInt16BigEndian(quoted[6..]) & 0x1FFF) != 0)
                return;
            inner.Tuple = FlowTuple.V4(BinaryPrimitives.ReadUInt32BigEndian(quoted[12..]), BinaryPrimitives.ReadUInt32BigEndian(quoted[16..]), quoted[9], 0, 0, zone);
            inner.L4Offset = ihl;
        }
        else
        {
            if (quoted.Length < 48)
                return;
            var chain = new Ipv6ExtensionWalker(quoted);
            if (chain.SkipToUpperLayer(MaxExtensionHeaders) != Ipv6ChainEnd.Reached)
                return;
            byte next = chain.Current;
            int offset = chain.Offset;
            if (next == Ipv6ExtensionHeader.NoNextHeader || quoted.Length < offset + 8)
                return;
            inner.Tuple = FlowTuple.V6(quoted[8..24], quoted[24..40], next, 0, 0, zone);
            inner.L4Offset = offset;
        }
        var l4 = quoted[inner.L4Offset..];
        byte protocol = inner.Tuple.Protocol;
        if (FlowTuple.HasPorts(protocol))
        {
            inner.Tuple = inner.Tuple.WithIds(BinaryPrimitives.ReadUInt16BigEndian(l4), BinaryPrimitives.ReadUInt16BigEndian(l4[2..]));
        }
        else if (protocol is IpProtocol.Icmp or IpProtocol.IcmpV6)
        {
            // An error about an error is not tracked (the kernel refuses nested errors).
            bool innerError = protocol == IpProtocol.Icmp ? IcmpTypes.IsErrorV4(l4[0]) : IcmpTypes.IsErrorV6(l4[0]);
            if (innerError)
                return;
            inner.Tuple = inner.Tuple.WithIds(BinaryPrimitives.ReadUInt16BigEndian(l4[4..]), (ushort)((l4[0] << 8) | l4[1]));
        }
        outer.InnerTuple = inner.Tuple;
        outer.InnerValid = true;
    }
}
