using Conntrack.Packets;
using System.Buffers.Binary;
using Conntrack.Capture;
using Conntrack.KernelParity.Tests.Preparation;
using Conntrack.KernelParity.Tests.Scenarios;

namespace Conntrack.KernelParity.Tests.Harness;

/// <summary>
/// Loopback conversations are moved into the test ranges with every address-covering checksum kept
/// consistent: the rewritten packet is byte for byte the packet built with the new addresses.
/// </summary>
public sealed class LoopbackRewriterTests : IDisposable
{
    private const ulong SenderMac = 0x0A00_0000_00AA;
    private const ulong RouterMac = 0x0B00_0000_00BB;
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("ctp-loop-");

    private static readonly ScenarioHost Lo = ScenarioHost.Of("127.0.0.1");
    private static readonly ScenarioHost Lo2 = ScenarioHost.Of("127.0.0.2");
    private static readonly ScenarioHost Lo6 = ScenarioHost.Of("::1");
    private static readonly ScenarioHost Mapped = ScenarioHost.Of("10.201.127.1");
    private static readonly ScenarioHost Mapped2 = ScenarioHost.Of("10.201.127.2");
    private static readonly ScenarioHost Mapped6 = ScenarioHost.Of("fd00:201::7f00:1");

    [Fact]
    public void Loopback_packets_become_the_packets_built_with_the_new_addresses()
    {
        byte[] udp = ScenarioPackets.Udp(Lo2, Lo, 5353, 53);
        var fragments6 = ScenarioPackets.Fragment(ScenarioPackets.Tcp(Lo6, Lo6, 12345, 8080, TcpFlags.Ack, 1, 0, 8192, payload: 1000), 440, 0xa5d33a2d);
        var sources = new List<byte[]>
        {
            ScenarioPackets.Tcp(Lo, Lo, 20, 80, TcpFlags.Syn, 0, 0, 8192),
            udp,
            ScenarioPackets.IcmpError(Lo, Lo2, 3, 3, udp),
            ScenarioPackets.Icmp(Lo6, Lo6, 128, 0, 7, 1),
            ScenarioPackets.Udp(Lo6, Lo6, 1, 2),
        };
        sources.AddRange(fragments6);

        byte[] mappedUdp = ScenarioPackets.Udp(Mapped2, Mapped, 5353, 53);
        var expected = new List<byte[]>
        {
            ScenarioPackets.Tcp(Mapped, Mapped, 20, 80, TcpFlags.Syn, 0, 0, 8192),
            mappedUdp,
            ScenarioPackets.IcmpError(Mapped, Mapped2, 3, 3, mappedUdp),
            ScenarioPackets.Icmp(Mapped6, Mapped6, 128, 0, 7, 1),
            ScenarioPackets.Udp(Mapped6, Mapped6, 1, 2),
        };
        expected.AddRange(ScenarioPackets.Fragment(ScenarioPackets.Tcp(Mapped6, Mapped6, 12345, 8080, TcpFlags.Ack, 1, 0, 8192, payload: 1000), 440, 0xa5d33a2d));

        var prepared = Prepare(sources);

        Assert.Equal(sources.Count, prepared.Packets);
        Assert.Equal(sources.Count, prepared.LoopbackReaddressed);
        Assert.Equal(0, prepared.SkippedCount);
        Assert.Equal(["127.0.0.1→10.201.127.1", "127.0.0.2→10.201.127.2", "::1→fd00:201::7f00:1"], prepared.AddressMap);
        Assert.Equal(expected.Select(Convert.ToHexString), ReadIpPackets(prepared.Path).Select(Convert.ToHexString));
    }

    [Fact]
    public void A_wrong_checksum_stays_wrong_and_a_missing_one_stays_missing()
    {
        byte[] offloaded = ScenarioPackets.Tcp(Lo, Lo, 20, 80, TcpFlags.Syn, 0, 0, 8192);
        offloaded[20 + 16] ^= 0x5A;
        byte[] noChecksum = ScenarioPackets.Udp(Lo, Lo, 1, 2);
        noChecksum[20 + 6] = 0;
        noChecksum[20 + 7] = 0;

        var packets = ReadIpPackets(Prepare([offloaded, noChecksum]).Path);

        Assert.Equal([10, 201, 127, 1], packets[0][12..16]);
        Assert.NotEqual(0xFFFF, TcpSum4(packets[0]));
        Assert.Equal(0xFFFF, TcpSum4(ScenarioPackets.Tcp(Mapped, Mapped, 20, 80, TcpFlags.Syn, 0, 0, 8192)));
        Assert.Equal(0, BinaryPrimitives.ReadUInt16BigEndian(packets[1].AsSpan(20 + 6)));
    }

    [Fact]
    public void A_loopback_address_beside_another_stays_a_martian()
    {
        var prepared = Prepare([ScenarioPackets.Udp(Lo, ScenarioHost.Server, 1, 2), ScenarioPackets.Udp(ScenarioHost.Client6, Lo6, 1, 2)]);
        Assert.Equal(0, prepared.Packets);
        Assert.Equal(0, prepared.LoopbackReaddressed);
        Assert.Equal([1L], prepared.Skipped[PacketSkip.MartianSource]);
        Assert.Equal([2L], prepared.Skipped[PacketSkip.Ipv6LoopbackOrUnspecified]);
    }

    [Fact]
    public void Replacements_avoid_addresses_the_capture_already_uses()
    {
        var prepared = Prepare([ScenarioPackets.Udp(Mapped, ScenarioHost.Server, 1, 2), ScenarioPackets.Udp(Lo, Lo, 1, 2)]);
        Assert.Equal(["127.0.0.1→10.201.127.2"], prepared.AddressMap);
    }

    public void Dispose() => _work.Delete(recursive: true);

    private PreparedCapture Prepare(IEnumerable<byte[]> packets)
    {
        var builder = new ScenarioBuilder("loopback", "rewriter test");
        foreach (byte[] p in packets)
            builder.Add(p);
        string source = Path.Combine(_work.FullName, $"source-{Guid.NewGuid():N}.pcap");
        ScenarioPcap.Write(builder.Build(), source);
        return CapturePreparer.Prepare(source, source + ".prepared", SenderMac, RouterMac, ReplayTiming.Default);
    }

    /// <summary>The folded sum over an IPv4 TCP segment and its pseudo-header: 0xFFFF when its checksum is right.</summary>
    private static int TcpSum4(byte[] ip)
    {
        int length = ip.Length - 20;
        ulong sum = 6 + (ulong)length;
        for (int i = 12; i < 20; i += 2)
            sum += BinaryPrimitives.ReadUInt16BigEndian(ip.AsSpan(i));
        for (int i = 20; i + 1 < ip.Length; i += 2)
            sum += BinaryPrimitives.ReadUInt16BigEndian(ip.AsSpan(i));
        if ((length & 1) != 0)
            sum += (ulong)ip[^1] << 8;
        while ((sum >> 16) != 0)
            sum = (sum & 0xFFFF) + (sum >> 16);
        return (int)sum;
    }

    private static List<byte[]> ReadIpPackets(string path)
    {
        var list = new List<byte[]>();
        using var reader = CaptureReader.Open(path);
        while (reader.TryReadNext(out var record))
            list.Add(record.Data[14..].ToArray());
        return list;
    }
}
