using Conntrack.Packets;
using Conntrack.Capture;

namespace Conntrack.Replay.Scenarios;

/// <summary>
/// A steady-state workload: <c>flows</c> TCP connections that open once and then exchange ACKs in
/// both directions, one packet per microsecond. Used by the allocation test and the benchmarks.
/// </summary>
public static class EstablishedFlows
{
    private const uint Server = 0xC0000201; // 192.0.2.1
    private const long Start = 1_700_000_000L * 1_000_000_000;

    /// <summary>Writes <paramref name="packets"/> Ethernet frames as a nanosecond pcap.</summary>
    public static void WritePcap(Stream output, int flows, int packets)
    {
        var writer = new PcapWriter(output, LinkType.Ethernet, nanosecondResolution: true);
        Span<byte> ip = stackalloc byte[128];
        Span<byte> frame = stackalloc byte[160];
        for (int i = 0; i < packets; i++)
        {
            int length = BuildPacket(ip, i, flows);
            int frameLength = PacketBuilder.Ethernet(frame, 0x0800, ip[..length]);
            writer.Write(Start + (i * 1000L), frame[..frameLength]);
        }
        output.Flush();
    }

    /// <summary>Builds packet number <paramref name="index"/> of the workload as an IPv4 packet.</summary>
    public static int BuildPacket(Span<byte> ip, int index, int flows)
    {
        int flow = index % flows;
        int round = index / flows;
        uint client = 0x0A000000u + (uint)flow + 1;
        ushort port = (ushort)(1024 + (flow % 60000));
        if (flow >= 60000)
            client += 0x00100000u;
        return round switch
        {
            0 => PacketBuilder.Tcp4(ip, client, Server, port, 80, TcpFlags.Syn, 1000, 0, 65535),
            1 => PacketBuilder.Tcp4(ip, Server, client, 80, port, TcpFlags.Syn | TcpFlags.Ack, 5000, 1001, 65535),
            _ when (round & 1) == 0 => PacketBuilder.Tcp4(ip, client, Server, port, 80, TcpFlags.Ack, 1001, 5001, 65535),
            _ => PacketBuilder.Tcp4(ip, Server, client, 80, port, TcpFlags.Ack, 5001, 1001, 65535),
        };
    }

    /// <summary>Timestamp of packet number <paramref name="index"/>.</summary>
    public static long TimeOf(int index) => Start + (index * 1000L);
}
