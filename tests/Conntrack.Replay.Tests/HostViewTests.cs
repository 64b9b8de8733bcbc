using Conntrack.Capture;
using Conntrack.Packets;

namespace Conntrack.Replay.Tests;

/// <summary>A capture taken with tcpdump -i any on a server: the host's own loopback connection.</summary>
public class HostViewTests
{
    private const uint Loopback = 0x7F000001;
    private const long Start = 1_700_000_000L * 1_000_000_000;

    // PACKET_OUTGOING and PACKET_HOST: on "any", every loopback packet is captured as sent, then as received on lo.
    private const ushort Sent = 4;
    private const ushort Received = 0;

    /// <summary>A TCP handshake over 127.0.0.1, each packet captured twice (sent, then received).</summary>
    private static byte[] LoopbackHandshake()
    {
        var stream = new MemoryStream();
        var writer = new PcapWriter(stream, LinkType.LinuxSll);
        var packet = new byte[128];
        var frame = new byte[160];
        (ushort sport, ushort dport, TcpFlags flags, uint seq, uint ack)[] segments =
        [
            (40000, 8080, TcpFlags.Syn, 1000, 0),
            (8080, 40000, TcpFlags.Syn | TcpFlags.Ack, 5000, 1001),
            (40000, 8080, TcpFlags.Ack, 1001, 5001),
        ];
        long at = Start;
        foreach (var (sport, dport, flags, seq, ack) in segments)
        {
            int length = PacketBuilder.Tcp4(packet, Loopback, Loopback, sport, dport, flags, seq, ack, 65495);
            foreach (ushort packetType in (ReadOnlySpan<ushort>)[Sent, Received])
                writer.Write(at, frame.AsSpan(0, PacketBuilder.LinuxSll(frame, 0x0800, packet.AsSpan(0, length), packetType)));
            at += 1_000_000;
        }
        return stream.ToArray();
    }

    private static ReplayResult Replay(byte[] capture, CaptureView? view)
    {
        using var reader = CaptureReader.Open(new MemoryStream(capture, writable: false), "lo.pcap");
        return ReplayRunner.Run(reader, new ReplayOptions { View = view, HashSeed = 1 });
    }

    [Fact]
    public void Loopback_traffic_chooses_the_host_view_and_is_tracked_once_as_sent()
    {
        var result = Replay(LoopbackHandshake(), view: null);

        Assert.Equal(new ViewChoice(CaptureView.Host, "loopback traffic (127.0.0.1) is tracked only on the host that sends it", Requested: false), result.View);
        Assert.Equal(3, result.Skipped[SkipReason.LoopbackCopy]);
        Assert.Equal(3, result.Packets);
        Assert.Equal(0, result.DiscardedPackets);
        var entry = Assert.Single(result.FinalEntries);
        Assert.Equal("ESTABLISHED", entry.StateName);
    }

    [Fact]
    public void The_router_view_discards_loopback_traffic_as_before()
    {
        var result = Replay(LoopbackHandshake(), CaptureView.Router);

        Assert.Equal(new ViewChoice(CaptureView.Router, "requested", Requested: true), result.View);
        // Both copies of the SYN and of the ACK create an entry of a martian; the SYN-ACKs find none and are invalid.
        Assert.Equal(4, result.DiscardedPackets);
        Assert.Equal(2, result.PacketsByState["invalid"]);
        Assert.Empty(result.FinalEntries);
        Assert.False(result.Skipped.ContainsKey(SkipReason.LoopbackCopy));
    }

    [Fact]
    public void A_capture_without_signs_of_an_end_host_keeps_the_router_view()
    {
        var stream = new MemoryStream();
        var writer = new PcapWriter(stream, LinkType.Raw);
        var packet = new byte[64];
        int length = PacketBuilder.Udp4(packet, 0x0A000001, 0x0A000002, 5353, 53);
        writer.Write(Start, packet.AsSpan(0, length));

        var result = Replay(stream.ToArray(), view: null);

        Assert.Equal(new ViewChoice(CaptureView.Router, "no loopback traffic, no packet marked as sent, no address in most packets", Requested: false), result.View);
        Assert.Single(result.FinalEntries);
    }
}
