namespace Conntrack.Capture.Tests;

public class PcapNgReaderTests
{
    // Verified with tshark: it lists the same packets, interfaces and timestamps.
    private const string TwoSections = """
        // offset 0: SHB, little-endian, version 1.0, section length -1
        0a0d0d0a 1c000000 4d3c2b1a 0100 0000 ffffffff ffffffff 1c000000
        // 28: IDB 0: Ethernet, snap 262144, no options (default if_tsresol 10^-6)
        01000000 14000000 0100 0000 00000400 14000000
        // 48: IDB 1: Raw IP (101), snap 65535, if_tsresol 9 (ns)
        01000000 20000000 6500 0000 ffff0000 | 0900 0100 09 000000 | 0000 0000 | 20000000
        // 80: IDB 2: IPv4 (228), snap 0, if_tsresol 0x8a (2^-10 s), if_tsoffset 100 s
        01000000 2c000000 e400 0000 00000000 | 0900 0100 8a 000000 | 0e00 0800 64000000 00000000 | 0000 0000 | 2c000000
        // 124: NRB (skipped): 10.0.0.1 = "a"
        04000000 1c000000 0100 0600 0a000001 6100 0000 | 0000 0000 | 1c000000
        // 152: EPB if 0: ticks 0x00060abe_87a5e240 us = 1700663296.123456, caplen 5, orig 60
        06000000 28000000 00000000 be0a0600 40e2a587 05000000 3c000000 deadbeef 01 000000 28000000
        // 192: ISB (skipped)
        05000000 18000000 00000000 00000000 00000000 18000000
        // 216: EPB if 1: ticks 0x1799f841_dffbcd15 ns = 1700663296.123456789
        06000000 24000000 01000000 41f89917 15cdfbdf 04000000 04000000 45000014 24000000
        // 252: custom block 0x40000bad (skipped)
        ad0b0040 14000000 7f000000 01020304 14000000
        // 272: EPB if 2: 1024512 ticks of 2^-10 s = 1000.5 s, plus 100 s offset
        06000000 24000000 02000000 00000000 00a20f00 02000000 02000000 4500 0000 24000000
        // 308: SPB: original length 6 (interface 0)
        03000000 18000000 06000000 aabbccdd eeff 0000 18000000
        // 332: OPB if 1, drops 0: ticks 0x1799f842_143aca01 ns = 1700663297.000000001
        02000000 24000000 0100 0000 42f89917 01ca3a14 03000000 03000000 600000 00 24000000
        // 368: second SHB, big-endian: interfaces start again
        0a0d0d0a 0000001c 1a2b3c4d 0001 0000 ffffffff ffffffff 0000001c
        // 396: IDB 0 (BE): IPv6 (229), snap 65535
        00000001 00000014 00e5 0000 0000ffff 00000014
        // 416: EPB if 0 (BE): ticks 0x00060abe_87c28481 us = 1700663298.000001
        00000006 00000028 00000000 00060abe 87c28481 00000006 00000006 600000000000 0000 00000028
        """;

    [Fact]
    public void Reads_interfaces_resolutions_packet_block_kinds_and_sections()
    {
        byte[] bytes = Hex.Parse(TwoSections);
        var (records, issues, reader) = CaptureAssert.ReadAll(bytes, "two-sections.pcapng");

        Assert.Equal(CaptureFormat.PcapNg, reader.Format);
        Assert.Equal(0, issues.Total);
        Assert.Equal(6, records.Count);

        Assert.Equal(new CaptureAssert.Rec(1, 152, 1_700_663_296_123_456_000, LinkType.Ethernet, 0, 60, Hex.Parse("deadbeef01")), records[0], RecComparer.Instance);
        Assert.Equal(new CaptureAssert.Rec(2, 216, 1_700_663_296_123_456_789, LinkType.Raw, 1, 4, Hex.Parse("45000014")), records[1], RecComparer.Instance);
        Assert.Equal(new CaptureAssert.Rec(3, 272, 1_100_500_000_000, LinkType.Ipv4, 2, 2, Hex.Parse("4500")), records[2], RecComparer.Instance);

        // SPB: interface 0, no timestamp of its own (the previous one is repeated).
        Assert.Equal(new CaptureAssert.Rec(4, 308, 1_100_500_000_000, LinkType.Ethernet, 0, 6, Hex.Parse("aabbccddeeff")), records[3], RecComparer.Instance);
        Assert.Equal(new CaptureAssert.Rec(5, 332, 1_700_663_297_000_000_001, LinkType.Raw, 1, 3, Hex.Parse("600000")), records[4], RecComparer.Instance);
        Assert.Equal(new CaptureAssert.Rec(6, 416, 1_700_663_298_000_001_000, LinkType.Ipv6, 0, 6, Hex.Parse("600000000000")), records[5], RecComparer.Instance);
        Assert.Equal(bytes.Length, reader.Position);
    }

    [Fact]
    public void Simple_packet_is_cut_to_the_snap_length()
    {
        byte[] bytes = Hex.Parse("""
            0a0d0d0a 1c000000 4d3c2b1a 0100 0000 ffffffff ffffffff 1c000000
            01000000 14000000 0100 0000 04000000 14000000      // IDB: Ethernet, snap 4
            03000000 18000000 06000000 aabbccdd eeff 0000 18000000   // SPB: original 6
            """);
        var (records, issues, _) = CaptureAssert.ReadAll(bytes);
        var only = Assert.Single(records);
        Assert.Equal("aabbccdd", only.DataHex);
        Assert.Equal(6, only.OriginalLength);
        Assert.Equal(0, issues.Total);
    }

    [Fact]
    public void Simple_packet_is_cut_to_the_block_when_original_length_is_larger()
    {
        byte[] bytes = Hex.Parse("""
            0a0d0d0a 1c000000 4d3c2b1a 0100 0000 ffffffff ffffffff 1c000000
            01000000 14000000 0100 0000 00000000 14000000      // IDB: Ethernet, snap 0 (unlimited)
            03000000 14000000 e8030000 aabbccdd 14000000       // SPB: original 1000, 4 bytes in the block
            """);
        var only = Assert.Single(CaptureAssert.ReadAll(bytes).Records);
        Assert.Equal("aabbccdd", only.DataHex);
        Assert.Equal(1000, only.OriginalLength);
    }

    [Fact]
    public void Section_header_options_and_large_skippable_blocks_are_passed_over()
    {
        // A 400 KiB custom block exceeds the in-memory block limit and is streamed past.
        const int big = 400 * 1024;
        var bytes = new List<byte>();
        bytes.AddRange(Hex.Parse("""
            0a0d0d0a 2c000000 4d3c2b1a 0100 0000 ffffffff ffffffff
            0300 0500 6c696e7578 000000     // shb_os "linux"
            0000 0000                       // opt_endofopt
            2c000000
            01000000 14000000 0100 0000 00000400 14000000
            """));
        bytes.AddRange(BitConverter.GetBytes(0x40000BADu));
        bytes.AddRange(BitConverter.GetBytes(big));
        bytes.AddRange(new byte[big - 12]);
        bytes.AddRange(BitConverter.GetBytes(big));
        bytes.AddRange(Hex.Parse("06000000 24000000 00000000 00000000 01000000 04000000 04000000 01020304 24000000"));

        var (records, issues, _) = CaptureAssert.ReadAll([.. bytes]);
        var only = Assert.Single(records);
        Assert.Equal("01020304", only.DataHex);
        Assert.Equal(1_000, only.Timestamp); // one tick of the default microsecond resolution
        Assert.Equal(0, issues.Total);

        // Same through a pipe, where skipping means reading.
        using var reader = CaptureReader.Open(new ForwardOnlyStream([.. bytes]), "pipe");
        Assert.Equal("01020304", Assert.Single(CaptureAssert.ReadAll(reader)).DataHex);
    }

    /// <summary>Compares records by value, including their bytes.</summary>
    internal sealed class RecComparer : IEqualityComparer<CaptureAssert.Rec>
    {
        public static readonly RecComparer Instance = new();

        public bool Equals(CaptureAssert.Rec? x, CaptureAssert.Rec? y) =>
            x is not null && y is not null
            && x with { Data = Array.Empty<byte>() } == y with { Data = Array.Empty<byte>() }
            && x.Data.AsSpan().SequenceEqual(y.Data);

        public int GetHashCode(CaptureAssert.Rec obj) => obj.PacketNumber.GetHashCode();
    }
}
