namespace Conntrack.Capture.Tests;

public class WriterRoundTripTests
{
    private const long BaseTime = 1_700_000_000_123_456_789;

    [Fact]
    public void Pcap_writer_layout_matches_the_format()
    {
        using var stream = new MemoryStream();
        var writer = new PcapWriter(stream, LinkType.LinuxSll2, nanosecondResolution: true, snapLength: 65535);
        writer.Write(BaseTime, [0xAA, 0xBB, 0xCC], originalLength: 90);
        Assert.Equal(
            Hex.Format(Hex.Parse("""
                4d3cb2a1 0200 0400 00000000 00000000 ffff0000 14010000   // ns magic, 2.4, snap 65535, SLL2
                00f15365 15cd5b07 03000000 5a000000 | aabbcc             // 1700000000 s + 123456789 ns, caplen 3, orig 90
                """)),
            Hex.Format(stream.ToArray()));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Pcap_round_trip(bool nanoseconds)
    {
        using var stream = new MemoryStream();
        var writer = new PcapWriter(stream, LinkType.Ethernet, nanoseconds, snapLength: 64);
        var frames = new List<byte[]>();
        for (int i = 0; i < 20; i++)
        {
            byte[] frame = new byte[i * 5];
            new Random(i).NextBytes(frame);
            frames.Add(frame);
            writer.Write(BaseTime + (i * 1_001L), frame, originalLength: i == 3 ? 1500 : -1);
        }

        var (records, issues, reader) = CaptureAssert.ReadAll(stream.ToArray());
        Assert.Equal(CaptureFormat.Pcap, reader.Format);
        Assert.Equal(0, issues.Total);
        Assert.Equal(20, records.Count);
        for (int i = 0; i < 20; i++)
        {
            long expectedTime = BaseTime + (i * 1_001L);
            if (!nanoseconds)
            {
                expectedTime -= expectedTime % 1_000;
            }

            Assert.Equal(i + 1, records[i].PacketNumber);
            Assert.Equal(expectedTime, records[i].Timestamp);
            Assert.Equal(LinkType.Ethernet, records[i].LinkType);
            Assert.Equal(frames[i].AsSpan(0, Math.Min(64, frames[i].Length)).ToArray(), records[i].Data);
            Assert.Equal(i == 3 ? 1500 : frames[i].Length, records[i].OriginalLength);
        }
    }

    [Fact]
    public void Pcap_writer_handles_times_before_the_epoch()
    {
        using var stream = new MemoryStream();
        new PcapWriter(stream, LinkType.Raw, nanosecondResolution: true).Write(-1, [0x45]);

        // pcap seconds are unsigned 32-bit: one nanosecond before the epoch wraps to the last one of 2106,
        // which shows the writer floored the division (fraction 999999999, not -1).
        Assert.Equal(((1L << 32) * 1_000_000_000) - 1, Assert.Single(CaptureAssert.ReadAll(stream.ToArray()).Records).Timestamp);
    }

    [Fact]
    public void PcapNg_round_trip_with_several_interfaces_and_resolutions()
    {
        using var stream = new MemoryStream();
        var writer = new PcapNgWriter(stream);
        int eth = writer.AddInterface(LinkType.Ethernet);                                  // ns
        int raw = writer.AddInterface(LinkType.Raw, tsResolutionPower10: 6);               // us
        int sll2 = writer.AddInterface(LinkType.LinuxSll2, snapLength: 32, tsResolutionPower10: 3); // ms
        Assert.Equal([0, 1, 2], new[] { eth, raw, sll2 });

        writer.Write(eth, BaseTime, [1, 2, 3, 4, 5]);
        writer.Write(raw, BaseTime + 1, [0x45, 0, 0, 20], originalLength: 20);
        writer.Write(sll2, BaseTime + 2, new byte[40]);
        writer.WriteSimplePacket([9, 9, 9]);
        writer.Write(eth, BaseTime + 3, []);

        var (records, issues, reader) = CaptureAssert.ReadAll(stream.ToArray());
        Assert.Equal(CaptureFormat.PcapNg, reader.Format);
        Assert.Equal(0, issues.Total);
        Assert.Equal(5, records.Count);

        Assert.Equal((BaseTime, LinkType.Ethernet, 0, 5, "0102030405"), Summary(records[0]));
        Assert.Equal((BaseTime + 1 - 790, LinkType.Raw, 1, 20, "45000014"), Summary(records[1]));
        Assert.Equal((BaseTime + 2 - 456_791, LinkType.LinuxSll2, 2, 40, new string('0', 64)), Summary(records[2]));
        Assert.Equal((BaseTime + 2 - 456_791, LinkType.Ethernet, 0, 3, "090909"), Summary(records[3]));
        Assert.Equal((BaseTime + 3, LinkType.Ethernet, 0, 0, ""), Summary(records[4]));

        static (long, LinkType, int, int, string) Summary(CaptureAssert.Rec r) => (r.Timestamp, r.LinkType, r.InterfaceId, r.OriginalLength, r.DataHex);
    }

    [Fact]
    public void PcapNg_writer_rejects_unknown_interfaces()
    {
        var writer = new PcapNgWriter(new MemoryStream());
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.Write(0, 0, [1]));
        Assert.Throws<InvalidOperationException>(() => writer.WriteSimplePacket([1]));
    }

    [Fact]
    public void Written_files_read_back_through_a_file_on_disk()
    {
        string path = Path.Combine(Path.GetTempPath(), $"ct-{Guid.NewGuid():N}.pcapng");
        try
        {
            File.WriteAllBytes(path, SampleFiles.PcapNg(records: 1000));
            using var reader = CaptureReader.Open(path);
            var records = CaptureAssert.ReadAll(reader);
            Assert.Equal(1000, records.Count);
            Assert.Equal(0, reader.Issues.Total);
            Assert.Equal(new FileInfo(path).Length, reader.Length);
            Assert.Equal(reader.Length, reader.Position);
            Assert.All(records, r => Assert.Equal(LinkDecodeStatus.Ok, LinkLayer.TryGetNetworkLayer(r.LinkType, r.Data, out _)));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
