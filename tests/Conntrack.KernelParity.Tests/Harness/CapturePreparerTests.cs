using System.Buffers.Binary;
using Conntrack.Capture;
using Conntrack.KernelParity.Tests.Preparation;
using Conntrack.KernelParity.Tests.Scenarios;

namespace Conntrack.KernelParity.Tests.Harness;

/// <summary>The prepared capture: untagged Ethernet a0 → b0, fixed spacing, hop limits raised, unreplayable packets left out.</summary>
public sealed class CapturePreparerTests : IDisposable
{
    private const ulong SenderMac = 0x0A00_0000_00AA;
    private const ulong RouterMac = 0x0B00_0000_00BB;
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("ctp-prep-");

    [Fact]
    public void Frames_are_readdressed_untagged_and_evenly_spaced()
    {
        byte[] ttlOne = ScenarioPackets.Udp(ScenarioHost.Client, ScenarioHost.Server, 1, 2);
        ttlOne[8] = 1;
        byte[] loopback = ScenarioPackets.Udp(ScenarioHost.Client, ScenarioHost.Server, 1, 2);
        loopback[12] = 127;
        var scenario = new ScenarioBuilder("prep", "preparer test")
            .Add(ScenarioPackets.Udp(ScenarioHost.Client, ScenarioHost.Server, 1, 2), 100)
            .Wait(TimeSpan.FromSeconds(5)).Add(ttlOne)
            .Add(loopback)
            .Add(ScenarioPackets.Icmp(ScenarioHost.Client6, ScenarioHost.Server6, 128, 0, 1, 1, hopLimit: 0))
            .Build();
        string source = Path.Combine(_work.FullName, "source.pcap");
        ScenarioPcap.Write(scenario, source);

        var prepared = CapturePreparer.Prepare(source, Path.Combine(_work.FullName, "prepared.pcap"), SenderMac, RouterMac, ReplayTiming.Default);

        Assert.Equal(3, prepared.Packets);
        Assert.Equal([3L], prepared.Skipped[PacketSkip.MartianSource]);
        Assert.Equal(2, prepared.HopLimitsRaised);
        Assert.Equal(1, prepared.VlanTagsRemoved);
        Assert.Equal(1, prepared.HeaderChecksumsRepaired); // the TTL edit above left that header's checksum stale
        Assert.Equal(4_000_000, prepared.LastTimestamp - prepared.FirstTimestamp);

        using var reader = CaptureReader.Open(prepared.Path);
        var timestamps = new List<long>();
        while (reader.TryReadNext(out var record))
        {
            Assert.Equal(LinkType.Ethernet, record.LinkType);
            var frame = record.Data;
            Assert.Equal(RouterMac, ReadMac(frame));
            Assert.Equal(SenderMac, ReadMac(frame[6..]));
            ushort etherType = BinaryPrimitives.ReadUInt16BigEndian(frame[12..]);
            Assert.True(etherType is 0x0800 or 0x86DD, $"untagged IP expected, ethertype 0x{etherType:x4}");
            var ip = frame[14..];
            if (etherType == 0x0800)
            {
                Assert.Equal(64, ip[8]);
                Assert.Equal(0, Fold(ip[..20]));
            }
            else
            {
                Assert.Equal(64, ip[7]);
            }
            timestamps.Add(record.TimestampNanoseconds);
        }
        Assert.Equal([0L, 2_000_000, 4_000_000], timestamps.Select(t => t - timestamps[0]));
    }

    [Fact]
    public void Original_timing_keeps_the_gaps()
    {
        var scenario = new ScenarioBuilder("gaps", "preparer test")
            .Add(ScenarioPackets.Udp(ScenarioHost.Client, ScenarioHost.Server, 1, 2))
            .Wait(TimeSpan.FromSeconds(2.5)).Add(ScenarioPackets.Udp(ScenarioHost.Server, ScenarioHost.Client, 2, 1))
            .Build();
        string source = Path.Combine(_work.FullName, "gaps.pcap");
        ScenarioPcap.Write(scenario, source);
        var prepared = CapturePreparer.Prepare(source, Path.Combine(_work.FullName, "gaps-prepared.pcap"), SenderMac, RouterMac, ReplayTiming.Original);
        Assert.Equal(2_500_000_000, prepared.LastTimestamp - prepared.FirstTimestamp);
        Assert.Equal(0, ReplayTiming.Original.PacketsPerSecond);
        Assert.Equal(500, ReplayTiming.Default.PacketsPerSecond);
    }

    public void Dispose() => _work.Delete(recursive: true);

    private static ulong ReadMac(ReadOnlySpan<byte> b) =>
        ((ulong)BinaryPrimitives.ReadUInt16BigEndian(b) << 32) | BinaryPrimitives.ReadUInt32BigEndian(b[2..]);

    /// <summary>0 when an IPv4 header's checksum is right (the complement of the folded sum).</summary>
    private static int Fold(ReadOnlySpan<byte> header)
    {
        uint sum = 0;
        for (int i = 0; i < header.Length; i += 2)
            sum += BinaryPrimitives.ReadUInt16BigEndian(header[i..]);
        while ((sum >> 16) != 0)
            sum = (sum & 0xFFFF) + (sum >> 16);
        return (int)(~sum & 0xFFFF);
    }
}
