using System.Buffers.Binary;
using System.Net;
using Conntrack.Capture;
using Conntrack.Flows;
using Conntrack.Packets;
using TcpFlags = Conntrack.Packets.TcpFlags;

namespace Conntrack.Core.Tests.Support;

/// <summary>
/// Small test-local packet builder: IPv4/IPv6 headers with TCP, UDP, ICMP, ICMPv6 or any other
/// payload, with correct IPv4 header and L4 checksums.
/// </summary>
internal static class Pkt
{
    public static byte[] Hex(string hex) => Convert.FromHexString(string.Concat(hex.Where(Uri.IsHexDigit)));

    public static bool IsV6(string address) => address.Contains(':', StringComparison.Ordinal);

    /// <summary>TCP header (with options padded to 4 bytes) and payload of <paramref name="payload"/> bytes ('x').</summary>
    public static byte[] TcpSegment(ushort sport, ushort dport, TcpFlags flags, uint seq, uint ack, ushort window, ReadOnlySpan<byte> options, int payload)
    {
        int optLen = (options.Length + 3) & ~3;
        int header = 20 + optLen;
        var tcp = new byte[header + payload];
        BinaryPrimitives.WriteUInt16BigEndian(tcp, sport);
        BinaryPrimitives.WriteUInt16BigEndian(tcp.AsSpan(2), dport);
        BinaryPrimitives.WriteUInt32BigEndian(tcp.AsSpan(4), seq);
        BinaryPrimitives.WriteUInt32BigEndian(tcp.AsSpan(8), ack);
        tcp[12] = (byte)((header / 4) << 4);
        tcp[13] = (byte)flags;
        BinaryPrimitives.WriteUInt16BigEndian(tcp.AsSpan(14), window);
        options.CopyTo(tcp.AsSpan(20));
        tcp.AsSpan(header).Fill((byte)'x');
        return tcp;
    }

    public static byte[] UdpDatagram(ushort sport, ushort dport, int payload)
    {
        var udp = new byte[8 + payload];
        BinaryPrimitives.WriteUInt16BigEndian(udp, sport);
        BinaryPrimitives.WriteUInt16BigEndian(udp.AsSpan(2), dport);
        BinaryPrimitives.WriteUInt16BigEndian(udp.AsSpan(4), (ushort)udp.Length);
        udp.AsSpan(8).Fill((byte)'u');
        return udp;
    }

    /// <summary>ICMP/ICMPv6 message: type, code, checksum (filled later), then id/seq or the 4 "unused" bytes, then body.</summary>
    public static byte[] IcmpMessage(byte type, byte code, ushort id, ushort sequence, ReadOnlySpan<byte> body)
    {
        var icmp = new byte[8 + body.Length];
        icmp[0] = type;
        icmp[1] = code;
        BinaryPrimitives.WriteUInt16BigEndian(icmp.AsSpan(4), id);
        BinaryPrimitives.WriteUInt16BigEndian(icmp.AsSpan(6), sequence);
        body.CopyTo(icmp.AsSpan(8));
        return icmp;
    }

    /// <summary>An IP packet of the family of <paramref name="src"/> around <paramref name="l4"/>, with checksums.</summary>
    public static byte[] Ip(string src, string dst, byte protocol, ReadOnlySpan<byte> l4, bool checksum = true)
    {
        var s = IPAddress.Parse(src).GetAddressBytes();
        var d = IPAddress.Parse(dst).GetAddressBytes();
        byte[] packet;
        int l4Offset;
        if (s.Length == 4)
        {
            packet = new byte[20 + l4.Length];
            packet[0] = 0x45;
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)packet.Length);
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), 0x1234);
            packet[6] = 0x40; // DF
            packet[8] = 64;
            packet[9] = protocol;
            s.CopyTo(packet, 12);
            d.CopyTo(packet, 16);
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(10), Finish(Sum(packet.AsSpan(0, 20))));
            l4Offset = 20;
        }
        else
        {
            packet = new byte[40 + l4.Length];
            packet[0] = 0x60;
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), (ushort)l4.Length);
            packet[6] = protocol;
            packet[7] = 64;
            s.CopyTo(packet, 8);
            d.CopyTo(packet, 24);
            l4Offset = 40;
        }
        l4.CopyTo(packet.AsSpan(l4Offset));
        if (checksum)
            FillL4Checksum(packet, l4Offset, protocol);
        return packet;
    }

    /// <summary>Writes the L4 checksum of TCP/UDP/ICMP/ICMPv6 in place.</summary>
    public static void FillL4Checksum(byte[] packet, int l4Offset, byte protocol)
    {
        int checksumAt = protocol switch
        {
            IpProtocol.Tcp => 16,
            IpProtocol.Udp => 6,
            IpProtocol.Icmp or IpProtocol.IcmpV6 => 2,
            _ => -1,
        };
        if (checksumAt < 0)
            return;
        var l4 = packet.AsSpan(l4Offset);
        l4[checksumAt] = 0;
        l4[checksumAt + 1] = 0;
        ulong sum = Sum(l4);
        if (protocol != IpProtocol.Icmp)
        {
            sum += packet[0] >> 4 == 4 ? Sum(packet.AsSpan(12, 8)) : Sum(packet.AsSpan(8, 32));
            sum += (ulong)protocol + (ulong)l4.Length;
        }
        ushort value = Finish(sum);
        if (protocol == IpProtocol.Udp && value == 0)
            value = 0xFFFF;
        BinaryPrimitives.WriteUInt16BigEndian(l4[checksumAt..], value);
    }

    private static ulong Sum(ReadOnlySpan<byte> data)
    {
        ulong sum = 0;
        for (int i = 0; i + 1 < data.Length; i += 2)
            sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        if ((data.Length & 1) != 0)
            sum += (ulong)data[^1] << 8;
        return sum;
    }

    private static ushort Finish(ulong sum)
    {
        while (sum >> 16 != 0)
            sum = (sum & 0xFFFF) + (sum >> 16);
        return (ushort)~sum;
    }

    // The common packets come from Conntrack.Capture's PacketBuilder (valid IP and L4 checksums).
    private static uint V4(string address) => BinaryPrimitives.ReadUInt32BigEndian(IPAddress.Parse(address).GetAddressBytes());

    private static byte[] V6Bytes(string address) => IPAddress.Parse(address).GetAddressBytes();

    private static byte[] Build(Func<byte[], int> write)
    {
        var buffer = new byte[2048];
        int length = write(buffer);
        return buffer[..length];
    }

    public static byte[] Tcp(string src, ushort sport, string dst, ushort dport, TcpFlags flags, uint seq = 0, uint ack = 0,
        ushort window = 64240, int payload = 0, byte[]? options = null)
    {
        var data = new byte[payload];
        data.AsSpan().Fill((byte)'x');
        var f = (Capture.TcpFlags)(byte)flags;
        return IsV6(src)
            ? Build(b => PacketBuilder.Tcp6(b, V6Bytes(src), V6Bytes(dst), sport, dport, f, seq, ack, window, data, options))
            : Build(b => PacketBuilder.Tcp4(b, V4(src), V4(dst), sport, dport, f, seq, ack, window, data, options));
    }

    public static byte[] Udp(string src, ushort sport, string dst, ushort dport, int payload = 0)
    {
        var data = new byte[payload];
        data.AsSpan().Fill((byte)'u');
        return IsV6(src)
            ? Build(b => PacketBuilder.Udp6(b, V6Bytes(src), V6Bytes(dst), sport, dport, data))
            : Build(b => PacketBuilder.Udp4(b, V4(src), V4(dst), sport, dport, data));
    }

    public static byte[] Icmp(string src, string dst, byte type, byte code = 0, ushort id = 0, ushort sequence = 0, byte[]? body = null) =>
        IsV6(src)
            ? Build(b => PacketBuilder.Icmp6(b, V6Bytes(src), V6Bytes(dst), type, code, id, sequence, body))
            : Build(b => PacketBuilder.Icmp4(b, V4(src), V4(dst), type, code, id, sequence, body));

    /// <summary>A packet of a protocol without a tracker (ESP, OSPF, GRE …) carrying <paramref name="payload"/>.</summary>
    public static byte[] Generic(string src, string dst, byte protocol, byte[] payload) =>
        IsV6(src)
            ? Build(b => PacketBuilder.Generic6(b, V6Bytes(src), V6Bytes(dst), protocol, payload))
            : Build(b => PacketBuilder.Generic4(b, V4(src), V4(dst), protocol, payload));

    /// <summary>An ICMP error (e.g. type 3 code 3) quoting the first 28 (IPv4) or 48 (IPv6) bytes of <paramref name="quoted"/>.</summary>
    public static byte[] IcmpError(string src, string dst, byte type, byte code, byte[] quoted)
    {
        int keep = Math.Min(quoted.Length, IsV6(src) ? 48 : 28);
        return Icmp(src, dst, type, code, 0, 0, quoted[..keep]);
    }

    /// <summary>The tuple the parser extracts from a packet.</summary>
    public static FlowTuple TupleOf(byte[] packet)
    {
        PacketParser.Parse(packet, 0, out var info);
        Assert.Equal(ParseStatus.Ok, info.Status);
        return info.Tuple;
    }
}

/// <summary>One TCP connection between a client and a server, for building its segments.</summary>
internal sealed class TcpConn(string client, ushort clientPort, string server, ushort serverPort)
{
    public string Client { get; } = client;
    public string Server { get; } = server;
    public ushort ClientPort { get; } = clientPort;
    public ushort ServerPort { get; } = serverPort;

    public byte[] C(TcpFlags flags, uint seq = 0, uint ack = 0, ushort window = 64240, int payload = 0, byte[]? options = null) =>
        Pkt.Tcp(Client, ClientPort, Server, ServerPort, flags, seq, ack, window, payload, options);

    public byte[] S(TcpFlags flags, uint seq = 0, uint ack = 0, ushort window = 65160, int payload = 0, byte[]? options = null) =>
        Pkt.Tcp(Server, ServerPort, Client, ClientPort, flags, seq, ack, window, payload, options);

    public FlowTuple Tuple => Pkt.TupleOf(C(TcpFlags.Syn));

    // A conventional exchange: client ISN 1000, server ISN 5000.
    public byte[] Syn() => C(TcpFlags.Syn, 1000);
    public byte[] SynAck() => S(TcpFlags.Syn | TcpFlags.Ack, 5000, 1001);
    public byte[] HandshakeAck() => C(TcpFlags.Ack, 1001, 5001);
}
