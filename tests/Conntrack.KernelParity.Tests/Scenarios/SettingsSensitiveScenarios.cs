using System.Buffers.Binary;
using Conntrack.Packets;

namespace Conntrack.KernelParity.Tests.Scenarios;

/// <summary>
/// Packets whose fate depends on the settings (issue #18), compared under every profile: ICMP errors
/// about flows <c>tcp_loose=0</c> never picks up, TCP headers cut short inside the IP packet, and
/// TSO/GRO super-segments whose checksums are offloaded (pseudo-header only) or right.
/// </summary>
internal static class SettingsSensitiveScenarios
{
    private const TcpFlags Ack = TcpFlags.Ack;
    private const TcpFlags PshAck = TcpFlags.Psh | TcpFlags.Ack;

    public static IEnumerable<Scenario> All()
    {
        foreach (bool ipv6 in new[] { false, true })
        {
            string family = ipv6 ? "6" : string.Empty;
            var (client, server, router) = ipv6
                ? (ScenarioHost.Client6, ScenarioHost.Server6, ScenarioHost.Router6)
                : (ScenarioHost.Client, ScenarioHost.Server, ScenarioHost.Router);
            byte unreachable = ipv6 ? (byte)1 : (byte)3, portCode = ipv6 ? (byte)4 : (byte)3, exceeded = ipv6 ? (byte)3 : (byte)11;

            var mid = ScenarioConversation.New(ipv6, clientPort: 41000);
            byte[] data = mid.Client(PshAck, 100);
            byte[] reply = mid.Server(Ack);
            yield return new ScenarioBuilder($"tcp{family}/midstream-icmp-errors", "mid-stream data, then ICMP errors quoting it from the server and a router: RELATED when picked up, error otherwise")
                .Add(data).Add(ScenarioPackets.IcmpError(router, client, exceeded, 0, data))
                .Add(reply).Add(ScenarioPackets.IcmpError(client, server, unreachable, portCode, reply))
                .Add(ScenarioPackets.IcmpError(server, client, unreachable, portCode, data))
                .Build();

            var cut = ScenarioConversation.New(ipv6, clientPort: 41001);
            byte[] syn = cut.Client(TcpFlags.Syn);
            byte[] synAck = cut.Server(TcpFlags.Syn | Ack);
            byte[] ack = cut.Client(Ack);
            byte[] more = cut.Client(PshAck, 50);
            yield return new ScenarioBuilder($"tcp{family}/header-cut-short", "TCP headers cut to 12, 3 and 0 bytes inside the IP packet, a data offset beyond it, around a real handshake")
                .Add(CutL4(syn, 12)).Add(CutL4(syn, 3)).Add(CutL4(syn, 0)).Add(WithDataOffset(syn, 8))
                .Add(syn).Add(synAck).Add(ack)
                .Add(CutL4(more, 12)).Add(CutL4(more, 19)).Add(WithDataOffset(more, 15)).Add(more)
                .Build();
            yield return new ScenarioBuilder($"tcp{family}/header-cut-short-midstream", "a cut-short segment first, then mid-stream data of the same flow")
                .Add(CutL4(more, 12)).Add(more).Add(CutL4(cut.Server(Ack), 16)).Add(cut.Server(Ack))
                .Build();

            var big = ScenarioConversation.New(ipv6, clientPort: 41002);
            var builder = new ScenarioBuilder($"tcp{family}/super-segments", "handshake, then 60000/30000-byte segments with offloaded (pseudo-header) and right checksums, both ways")
                .Add(big.Handshake());
            builder.Add(Offloaded(big.Client(PshAck, 60000))).Add(big.Server(Ack));
            builder.Add(big.Client(PshAck, 30000)).Add(Offloaded(big.Server(Ack)));
            builder.Add(Offloaded(big.Server(PshAck, 30000))).Add(big.Client(Ack));
            builder.Add(Offloaded(big.Client(PshAck, 1000))).Add(big.Server(Ack));
            yield return builder.Build();

            var udp = ScenarioPackets.Udp(client, server, 41003, 4789, 40000);
            yield return new ScenarioBuilder($"udp{family}/super-datagrams", "a 40000-byte datagram with an offloaded checksum, one with a right checksum, and one with checksum 0")
                .Add(Offloaded(udp)).Add(udp).Add(ZeroUdpChecksum(ScenarioPackets.Udp(client, server, 41004, 4789, 40000)))
                .Build();
        }
    }

    private static int L4Offset(byte[] ip) => ip[0] >> 4 == 4 ? (ip[0] & 0x0F) * 4 : 40;

    /// <summary>The packet with only <paramref name="l4Bytes"/> bytes after the IP header, its length fields saying so.</summary>
    private static byte[] CutL4(byte[] ip, int l4Bytes)
    {
        int offset = L4Offset(ip);
        byte[] cut = ip[..(offset + l4Bytes)];
        if (ip[0] >> 4 == 4)
            BinaryPrimitives.WriteUInt16BigEndian(cut.AsSpan(2), (ushort)cut.Length); // the preparer rewrites the header checksum
        else
            BinaryPrimitives.WriteUInt16BigEndian(cut.AsSpan(4), (ushort)l4Bytes);
        return cut;
    }

    /// <summary>The segment with its data offset set to <paramref name="words"/> 32-bit words (checksum left as it was).</summary>
    private static byte[] WithDataOffset(byte[] ip, int words)
    {
        byte[] copy = (byte[])ip.Clone();
        int offset = L4Offset(copy);
        copy[offset + 12] = (byte)((words << 4) | (copy[offset + 12] & 0x0F));
        return copy;
    }

    /// <summary>
    /// The checksum a sender with checksum offload leaves in a TSO/GSO packet (CHECKSUM_PARTIAL): the folded
    /// pseudo-header sum, the payload not yet added — what a capture on the sending host shows.
    /// </summary>
    private static byte[] Offloaded(byte[] ip)
    {
        byte[] copy = (byte[])ip.Clone();
        int offset = L4Offset(copy);
        byte protocol = copy[0] >> 4 == 4 ? copy[9] : copy[6];
        int length = copy.Length - offset;
        ulong pseudo = copy[0] >> 4 == 4
            ? InternetChecksum.PseudoHeader4(BinaryPrimitives.ReadUInt32BigEndian(copy.AsSpan(12)), BinaryPrimitives.ReadUInt32BigEndian(copy.AsSpan(16)), protocol, length)
            : InternetChecksum.PseudoHeader6(copy.AsSpan(8, 16), copy.AsSpan(24, 16), protocol, length);
        int field = offset + (protocol == 6 ? 16 : 6);
        BinaryPrimitives.WriteUInt16BigEndian(copy.AsSpan(field), InternetChecksum.Fold(pseudo));
        return copy;
    }

    private static byte[] ZeroUdpChecksum(byte[] ip)
    {
        byte[] copy = (byte[])ip.Clone();
        BinaryPrimitives.WriteUInt16BigEndian(copy.AsSpan(L4Offset(copy) + 6), 0);
        return copy;
    }
}
