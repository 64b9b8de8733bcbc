using Conntrack.Flows;
using Conntrack.Packets;
using System.Buffers.Binary;

namespace Conntrack.Capture;

public static partial class PacketBuilder
{
    private const int TcpHeaderLength = 20;
    private const int UdpHeaderLength = 8;
    private const int IcmpHeaderLength = 8;
    private const int MaxTcpOptions = 40;

    /// <summary>Writes an IPv4/TCP packet with valid IP and TCP checksums.</summary>
    /// <param name="dst">Destination.</param>
    /// <param name="src">Source address, host order.</param>
    /// <param name="dstAddr">Destination address, host order.</param>
    /// <param name="sport">Source port.</param>
    /// <param name="dport">Destination port.</param>
    /// <param name="flags">TCP flags.</param>
    /// <param name="seq">Sequence number.</param>
    /// <param name="ack">Acknowledgment number.</param>
    /// <param name="window">Window field (unscaled).</param>
    /// <param name="payload">Segment data.</param>
    /// <param name="options">TCP options (see <see cref="TcpOptions"/>); zero-padded to a multiple of 4, at most 40 bytes.</param>
    /// <param name="ttl">IP time to live.</param>
    /// <param name="id">IP identification.</param>
    public static int Tcp4(
        Span<byte> dst,
        uint src,
        uint dstAddr,
        ushort sport,
        ushort dport,
        TcpFlags flags,
        uint seq,
        uint ack,
        ushort window,
        ReadOnlySpan<byte> payload = default,
        ReadOnlySpan<byte> options = default,
        byte ttl = 64,
        ushort id = 0)
    {
        Span<byte> segment = dst[Math.Min(Ipv4HeaderLength, dst.Length)..];
        int length = WriteTcp(segment, sport, dport, flags, seq, ack, window, payload, options);
        SetChecksum(segment, length, 16, InternetChecksum.PseudoHeader4(src, dstAddr, IpProtocol.Tcp, length));
        WriteIpv4Header(dst, src, dstAddr, IpProtocol.Tcp, Ipv4HeaderLength + length, ttl, id, true, 0, false, default);
        return Ipv4HeaderLength + length;
    }

    /// <summary>Writes an IPv6/TCP packet with a valid TCP checksum.</summary>
    /// <param name="dst">Destination.</param>
    /// <param name="src">16-byte source address.</param>
    /// <param name="dstAddr">16-byte destination address.</param>
    /// <param name="sport">Source port.</param>
    /// <param name="dport">Destination port.</param>
    /// <param name="flags">TCP flags.</param>
    /// <param name="seq">Sequence number.</param>
    /// <param name="ack">Acknowledgment number.</param>
    /// <param name="window">Window field (unscaled).</param>
    /// <param name="payload">Segment data.</param>
    /// <param name="options">TCP options (see <see cref="TcpOptions"/>); zero-padded to a multiple of 4, at most 40 bytes.</param>
    /// <param name="hopLimit">IPv6 hop limit.</param>
    public static int Tcp6(
        Span<byte> dst,
        ReadOnlySpan<byte> src,
        ReadOnlySpan<byte> dstAddr,
        ushort sport,
        ushort dport,
        TcpFlags flags,
        uint seq,
        uint ack,
        ushort window,
        ReadOnlySpan<byte> payload = default,
        ReadOnlySpan<byte> options = default,
        byte hopLimit = 64)
    {
        RequireAddress(src, nameof(src));
        RequireAddress(dstAddr, nameof(dstAddr));
        Span<byte> segment = dst[Math.Min(Ipv6HeaderLength, dst.Length)..];
        int length = WriteTcp(segment, sport, dport, flags, seq, ack, window, payload, options);
        SetChecksum(segment, length, 16, InternetChecksum.PseudoHeader6(src, dstAddr, IpProtocol.Tcp, length));
        WriteIpv6Header(dst, src, dstAddr, IpProtocol.Tcp, length, hopLimit, 0, 0);
        return Ipv6HeaderLength + length;
    }

    /// <summary>Writes an IPv4/UDP datagram with valid IP and UDP checksums.</summary>
    /// <param name="dst">Destination.</param>
    /// <param name="src">Source address, host order.</param>
    /// <param name="dstAddr">Destination address, host order.</param>
    /// <param name="sport">Source port.</param>
    /// <param name="dport">Destination port.</param>
    /// <param name="payload">Datagram data.</param>
    /// <param name="ttl">IP time to live.</param>
    /// <param name="id">IP identification.</param>
    public static int Udp4(Span<byte> dst, uint src, uint dstAddr, ushort sport, ushort dport, ReadOnlySpan<byte> payload = default, byte ttl = 64, ushort id = 0)
    {
        Span<byte> datagram = dst[Math.Min(Ipv4HeaderLength, dst.Length)..];
        int length = WriteUdp(datagram, sport, dport, payload);
        SetUdpChecksum(datagram, length, InternetChecksum.PseudoHeader4(src, dstAddr, IpProtocol.Udp, length));
        WriteIpv4Header(dst, src, dstAddr, IpProtocol.Udp, Ipv4HeaderLength + length, ttl, id, true, 0, false, default);
        return Ipv4HeaderLength + length;
    }

    /// <summary>Writes an IPv6/UDP datagram with a valid UDP checksum.</summary>
    /// <param name="dst">Destination.</param>
    /// <param name="src">16-byte source address.</param>
    /// <param name="dstAddr">16-byte destination address.</param>
    /// <param name="sport">Source port.</param>
    /// <param name="dport">Destination port.</param>
    /// <param name="payload">Datagram data.</param>
    /// <param name="hopLimit">IPv6 hop limit.</param>
    public static int Udp6(Span<byte> dst, ReadOnlySpan<byte> src, ReadOnlySpan<byte> dstAddr, ushort sport, ushort dport, ReadOnlySpan<byte> payload = default, byte hopLimit = 64)
    {
        RequireAddress(src, nameof(src));
        RequireAddress(dstAddr, nameof(dstAddr));
        Span<byte> datagram = dst[Math.Min(Ipv6HeaderLength, dst.Length)..];
        int length = WriteUdp(datagram, sport, dport, payload);
        SetUdpChecksum(datagram, length, InternetChecksum.PseudoHeader6(src, dstAddr, IpProtocol.Udp, length));
        WriteIpv6Header(dst, src, dstAddr, IpProtocol.Udp, length, hopLimit, 0, 0);
        return Ipv6HeaderLength + length;
    }

    /// <summary>
    /// Writes an IPv4/ICMP message with valid checksums. Bytes 4–7 hold <paramref name="id"/> and
    /// <paramref name="seq"/>, as in echo messages; other types may use them as their "rest of header".
    /// </summary>
    /// <param name="dst">Destination.</param>
    /// <param name="src">Source address, host order.</param>
    /// <param name="dstAddr">Destination address, host order.</param>
    /// <param name="type">ICMP type (8 echo request, 0 echo reply, 3 unreachable, …).</param>
    /// <param name="code">ICMP code.</param>
    /// <param name="id">Identifier (bytes 4–5).</param>
    /// <param name="seq">Sequence number (bytes 6–7).</param>
    /// <param name="payload">Data after the 8-byte ICMP header (for errors: the quoted packet).</param>
    /// <param name="ttl">IP time to live.</param>
    public static int Icmp4(Span<byte> dst, uint src, uint dstAddr, byte type, byte code, ushort id, ushort seq, ReadOnlySpan<byte> payload = default, byte ttl = 64)
    {
        Span<byte> message = dst[Math.Min(Ipv4HeaderLength, dst.Length)..];
        int length = WriteIcmp(message, type, code, id, seq, payload);

        // ICMPv4 has no pseudo-header.
        SetChecksum(message, length, 2, 0);
        WriteIpv4Header(dst, src, dstAddr, IpProtocol.Icmp, Ipv4HeaderLength + length, ttl, 0, false, 0, false, default);
        return Ipv4HeaderLength + length;
    }

    /// <summary>Writes an IPv6/ICMPv6 message with a valid checksum (bytes 4–7 as in <see cref="Icmp4"/>).</summary>
    /// <param name="dst">Destination.</param>
    /// <param name="src">16-byte source address.</param>
    /// <param name="dstAddr">16-byte destination address.</param>
    /// <param name="type">ICMPv6 type (128 echo request, 129 echo reply, 1 unreachable, …).</param>
    /// <param name="code">ICMPv6 code.</param>
    /// <param name="id">Identifier (bytes 4–5).</param>
    /// <param name="seq">Sequence number (bytes 6–7).</param>
    /// <param name="payload">Data after the 8-byte ICMPv6 header.</param>
    /// <param name="hopLimit">IPv6 hop limit.</param>
    public static int Icmp6(Span<byte> dst, ReadOnlySpan<byte> src, ReadOnlySpan<byte> dstAddr, byte type, byte code, ushort id, ushort seq, ReadOnlySpan<byte> payload = default, byte hopLimit = 64)
    {
        RequireAddress(src, nameof(src));
        RequireAddress(dstAddr, nameof(dstAddr));
        Span<byte> message = dst[Math.Min(Ipv6HeaderLength, dst.Length)..];
        int length = WriteIcmp(message, type, code, id, seq, payload);
        SetChecksum(message, length, 2, InternetChecksum.PseudoHeader6(src, dstAddr, IpProtocol.IcmpV6, length));
        WriteIpv6Header(dst, src, dstAddr, IpProtocol.IcmpV6, length, hopLimit, 0, 0);
        return Ipv6HeaderLength + length;
    }

    private static int WriteTcp(Span<byte> segment, ushort sport, ushort dport, TcpFlags flags, uint seq, uint ack, ushort window, ReadOnlySpan<byte> payload, ReadOnlySpan<byte> options)
    {
        if (options.Length > MaxTcpOptions)
        {
            throw new ArgumentException($"TCP options are at most {MaxTcpOptions} bytes", nameof(options));
        }

        int headerLength = TcpHeaderLength + Pad4(options.Length);
        int length = headerLength + payload.Length;
        Require(segment, length);
        payload.CopyTo(segment[headerLength..]);
        BinaryPrimitives.WriteUInt16BigEndian(segment, sport);
        BinaryPrimitives.WriteUInt16BigEndian(segment[2..], dport);
        BinaryPrimitives.WriteUInt32BigEndian(segment[4..], seq);
        BinaryPrimitives.WriteUInt32BigEndian(segment[8..], ack);
        segment[12] = (byte)((headerLength / 4) << 4);
        segment[13] = (byte)flags;
        BinaryPrimitives.WriteUInt16BigEndian(segment[14..], window);
        BinaryPrimitives.WriteUInt32BigEndian(segment[16..], 0); // checksum and urgent pointer
        options.CopyTo(segment[TcpHeaderLength..]);
        segment[(TcpHeaderLength + options.Length)..headerLength].Clear();
        return length;
    }

    private static int WriteUdp(Span<byte> datagram, ushort sport, ushort dport, ReadOnlySpan<byte> payload)
    {
        int length = UdpHeaderLength + payload.Length;
        Require(datagram, length);
        if (length > ushort.MaxValue)
        {
            throw new ArgumentException("UDP payload too long for the 16-bit length field", nameof(payload));
        }

        payload.CopyTo(datagram[UdpHeaderLength..]);
        BinaryPrimitives.WriteUInt16BigEndian(datagram, sport);
        BinaryPrimitives.WriteUInt16BigEndian(datagram[2..], dport);
        BinaryPrimitives.WriteUInt16BigEndian(datagram[4..], (ushort)length);
        BinaryPrimitives.WriteUInt16BigEndian(datagram[6..], 0);
        return length;
    }

    private static int WriteIcmp(Span<byte> message, byte type, byte code, ushort id, ushort seq, ReadOnlySpan<byte> payload)
    {
        int length = IcmpHeaderLength + payload.Length;
        Require(message, length);
        payload.CopyTo(message[IcmpHeaderLength..]);
        message[0] = type;
        message[1] = code;
        BinaryPrimitives.WriteUInt16BigEndian(message[2..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(message[4..], id);
        BinaryPrimitives.WriteUInt16BigEndian(message[6..], seq);
        return length;
    }

    private static void SetChecksum(Span<byte> data, int length, int checksumOffset, ulong pseudoHeaderSum)
    {
        ushort checksum = InternetChecksum.Finish(InternetChecksum.Add(pseudoHeaderSum, data[..length]));
        BinaryPrimitives.WriteUInt16BigEndian(data[checksumOffset..], checksum);
    }

    private static void SetUdpChecksum(Span<byte> datagram, int length, ulong pseudoHeaderSum)
    {
        ushort checksum = InternetChecksum.Finish(InternetChecksum.Add(pseudoHeaderSum, datagram[..length]));

        // 0 means "no checksum" in UDP, so a computed 0 is sent as its one's-complement twin.
        BinaryPrimitives.WriteUInt16BigEndian(datagram[6..], checksum == 0 ? (ushort)0xFFFF : checksum);
    }
}
