using System.Buffers.Binary;
using System.Net;
using Conntrack.Capture;
using Conntrack.Flows;
using Conntrack.Packets;

namespace Conntrack.Core.Tests.Support;

/// <summary>
/// Test packets from strings: hex for hand-built bytes, and address/port shorthands over
/// Conntrack.Capture's <see cref="PacketBuilder"/> (correct IPv4 header and L4 checksums).
/// </summary>
internal static class Pkt
{
    public static byte[] Hex(string hex) => Convert.FromHexString(string.Concat(hex.Where(Uri.IsHexDigit)));

    public static bool IsV6(string address) => address.Contains(':', StringComparison.Ordinal);

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
        var f = flags;
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
