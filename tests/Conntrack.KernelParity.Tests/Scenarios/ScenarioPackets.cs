using Conntrack.Packets;
using System.Buffers.Binary;
using System.Numerics;
using Conntrack.Capture;
using Conntrack.TestData;

namespace Conntrack.KernelParity.Tests.Scenarios;

/// <summary>
/// Builds single IP packets for scenarios with the project's <see cref="PacketBuilder"/>, picking the
/// IPv4 or IPv6 form from the hosts (TCP through <see cref="TcpConn"/>). Each call returns a fresh array.
/// </summary>
internal static class ScenarioPackets
{
    private const int MaxPacket = 9000;

    public static byte[] Tcp(ScenarioHost src, ScenarioHost dst, ushort sport, ushort dport, TcpFlags flags, uint seq, uint ack, ushort window, int payload = 0, byte[]? options = null) =>
        new TcpConn(src.Address, sport, dst.Address, dport) { Payload = Payloads.Letters }.C(flags, seq, ack, window, payload, options);

    public static byte[] Udp(ScenarioHost src, ScenarioHost dst, ushort sport, ushort dport, int payload = 32)
    {
        Span<byte> buffer = payload + 64 <= MaxPacket ? stackalloc byte[MaxPacket] : new byte[payload + 64];
        byte[] data = Payloads.Letters(payload);
        int n = src.IsIpv6
            ? PacketBuilder.Udp6(buffer, src.Bytes, dst.Bytes, sport, dport, data)
            : PacketBuilder.Udp4(buffer, src.V4, dst.V4, sport, dport, data);
        return buffer[..n].ToArray();
    }

    /// <summary>ICMP or ICMPv6 (by the hosts' family); bytes 4–7 are id and sequence.</summary>
    public static byte[] Icmp(ScenarioHost src, ScenarioHost dst, byte type, byte code, ushort id = 0, ushort seq = 0, ReadOnlySpan<byte> payload = default, byte hopLimit = 64)
    {
        Span<byte> buffer = stackalloc byte[MaxPacket];
        int n = src.IsIpv6
            ? PacketBuilder.Icmp6(buffer, src.Bytes, dst.Bytes, type, code, id, seq, payload, hopLimit)
            : PacketBuilder.Icmp4(buffer, src.V4, dst.V4, type, code, id, seq, payload, hopLimit);
        return buffer[..n].ToArray();
    }

    /// <summary>An ICMP error (or ICMPv6 error) quoting <paramref name="quoted"/>: its IP header and the first 8 L4 bytes (ICMPv4) or as much as fits (ICMPv6).</summary>
    public static byte[] IcmpError(ScenarioHost src, ScenarioHost dst, byte type, byte code, byte[] quoted)
    {
        int length = src.IsIpv6 ? Math.Min(quoted.Length, 1232) : Math.Min(quoted.Length, ((quoted[0] & 0x0F) * 4) + 8);
        return Icmp(src, dst, type, code, 0, 0, quoted.AsSpan(0, length));
    }

    /// <summary>Any protocol number with an opaque payload (ESP, 253, GRE, SCTP …).</summary>
    public static byte[] Raw(ScenarioHost src, ScenarioHost dst, byte protocol, ReadOnlySpan<byte> payload)
    {
        Span<byte> buffer = stackalloc byte[MaxPacket];
        int n = src.IsIpv6
            ? PacketBuilder.Ipv6(buffer, src.Bytes, dst.Bytes, protocol, payload)
            : PacketBuilder.Generic4(buffer, src.V4, dst.V4, protocol, payload);
        return buffer[..n].ToArray();
    }

    /// <summary>GRE version 0 (RFC 2784) carrying <paramref name="inner"/> as IPv4.</summary>
    public static byte[] Gre(ScenarioHost src, ScenarioHost dst, ReadOnlySpan<byte> inner)
    {
        byte[] gre = new byte[4 + inner.Length];
        BinaryPrimitives.WriteUInt16BigEndian(gre.AsSpan(2), 0x0800);
        inner.CopyTo(gre.AsSpan(4));
        return Raw(src, dst, 47, gre);
    }

    /// <summary>An SCTP packet: common header with <paramref name="verificationTag"/>, the chunks, and the CRC32c checksum.</summary>
    public static byte[] Sctp(ScenarioHost src, ScenarioHost dst, ushort sport, ushort dport, uint verificationTag, ReadOnlySpan<byte> chunks)
    {
        byte[] sctp = new byte[12 + chunks.Length];
        BinaryPrimitives.WriteUInt16BigEndian(sctp, sport);
        BinaryPrimitives.WriteUInt16BigEndian(sctp.AsSpan(2), dport);
        BinaryPrimitives.WriteUInt32BigEndian(sctp.AsSpan(4), verificationTag);
        chunks.CopyTo(sctp.AsSpan(12));
        uint crc = 0xFFFFFFFF;
        foreach (byte b in sctp)
            crc = BitOperations.Crc32C(crc, b);
        // RFC 4960 appendix B: the complemented CRC32c, least significant byte first.
        BinaryPrimitives.WriteUInt32LittleEndian(sctp.AsSpan(8), ~crc);
        return Raw(src, dst, 132, sctp);
    }

    /// <summary>Splits an IPv4 or IPv6 packet into fragments carrying <paramref name="fragmentPayload"/> bytes each.</summary>
    public static List<byte[]> Fragment(byte[] packet, int fragmentPayload, uint identification = 0x1234)
    {
        byte[] buffer = new byte[packet.Length * 4 + 1024];
        Span<Range> ranges = stackalloc Range[64];
        int count = packet[0] >> 4 == 4
            ? PacketBuilder.Fragment4(packet, fragmentPayload, buffer, ranges)
            : PacketBuilder.Fragment6(packet, fragmentPayload, identification, buffer, ranges);
        var fragments = new List<byte[]>(count);
        for (int i = 0; i < count; i++)
            fragments.Add(buffer[ranges[i]]);
        return fragments;
    }
}
