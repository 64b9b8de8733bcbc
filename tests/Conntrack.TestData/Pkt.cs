using Xunit;
using System.Net;
using Conntrack.Capture;
using Conntrack.Flows;
using Conntrack.Packets;

namespace Conntrack.TestData;

/// <summary>
/// Test packets from strings: hex for hand-built bytes, and address/port shorthands over
/// Conntrack.Capture's <see cref="PacketBuilder"/> (correct IPv4 header and L4 checksums); TCP through
/// <see cref="TcpConn"/>.
/// </summary>
public static class Pkt
{
    public static byte[] Hex(string hex) => Convert.FromHexString(string.Concat(hex.Where(Uri.IsHexDigit)));

    public static bool IsV6(string address) => address.Contains(':', StringComparison.Ordinal);

    // The common packets come from Conntrack.Capture's PacketBuilder (valid IP and L4 checksums).
    private static uint V4(string address) => TcpConn.HostOrder(IPAddress.Parse(address));

    private static byte[] V6Bytes(string address) => IPAddress.Parse(address).GetAddressBytes();

    private static byte[] Build(Func<byte[], int> write)
    {
        var buffer = new byte[2048];
        int length = write(buffer);
        return buffer[..length];
    }

    public static byte[] Tcp(string src, ushort sport, string dst, ushort dport, TcpFlags flags, uint seq = 0, uint ack = 0,
        ushort window = 64240, int payload = 0, byte[]? options = null) =>
        new TcpConn(src, sport, dst, dport).C(flags, seq, ack, window, payload, options);

    public static byte[] Udp(string src, ushort sport, string dst, ushort dport, int payload = 0)
    {
        var data = Payloads.Repeated(payload, (byte)'u');
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
