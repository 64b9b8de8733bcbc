using System.Text;

namespace Conntrack.Capture.Tests;

/// <summary>
/// Every malformation: the reader must report it precisely, keep going where the format allows,
/// and always terminate (inputs are small and <see cref="CaptureAssert.ReadAll(CaptureReader)"/> is bounded).
/// </summary>
public class MalformedInputTests
{
    private const string ExpectedMagic = "expected magic a1b2c3d4, a1b23c4d or 0a0d0d0a";

    // pcap: little-endian, microseconds, snap 65535, Ethernet. 24 bytes.
    private const string PcapHeader = "d4c3b2a1 0200 0400 00000000 00000000 ffff0000 01000000";

    // Records of 20 bytes each: seconds 0x655e10xx, caplen 4, orig 4.
    private const string PcapRecord1 = "00105e65 00000000 04000000 04000000 | 11111111";
    private const string PcapRecord3 = "02105e65 00000000 04000000 04000000 | 33333333";

    // pcapng: SHB (28 bytes) + IDB Ethernet snap 262144 (20 bytes); packets start at offset 48.
    private const string NgStart = """
        0a0d0d0a 1c000000 4d3c2b1a 0100 0000 ffffffff ffffffff 1c000000
        01000000 14000000 0100 0000 00000400 14000000
        """;

    private static string Epb(int n, string length = "24000000", string iface = "00000000", string caplen = "04000000", string trailer = "24000000") =>
        $"06000000 {length} {iface} 00000000 {n:x2}000000 {caplen} 04000000 {n:x2}{n:x2}{n:x2}{n:x2} {trailer}";

    // ---- not a capture at all: Open throws ----

    [Fact]
    public void Empty_file_throws_with_one_line_message()
    {
        var e = Assert.Throws<CaptureFormatException>(() => CaptureAssert.Open([], "empty.pcap"));
        Assert.Equal($"empty.pcap: not a pcap or pcapng file (offset 0: {ExpectedMagic}, found end of file)", e.Message);
    }

    [Fact]
    public void Text_file_throws_naming_the_path_and_the_bytes_found()
    {
        string path = Path.Combine(Path.GetTempPath(), $"ct-{Guid.NewGuid():N}", "notes.txt");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "Hello, this is not a capture.\n");
        try
        {
            var e = Assert.Throws<CaptureFormatException>(() => CaptureReader.Open(path));
            Assert.Equal($"{path}: not a pcap or pcapng file (offset 0: {ExpectedMagic}, found 48656c6c)", e.Message);

            // The failed open did not leave the file locked.
            File.Delete(path);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    [Fact]
    public void Tiny_file_throws()
    {
        var e = Assert.Throws<CaptureFormatException>(() => CaptureAssert.Open([0xd4, 0xc3], "tiny"));
        Assert.Equal($"tiny: not a pcap or pcapng file (offset 0: {ExpectedMagic}, found only 2 bytes)", e.Message);
    }

    [Fact]
    public void Truncated_pcap_file_header_throws()
    {
        var e = Assert.Throws<CaptureFormatException>(() => CaptureAssert.Open(Hex.Parse("d4c3b2a1 0200 0400 0000"), "short.pcap"));
        Assert.Equal("short.pcap: truncated pcap file header (offset 0: expected 24 bytes, found 10)", e.Message);
    }

    [Fact]
    public void Pcapng_with_bad_byte_order_magic_throws()
    {
        var e = Assert.Throws<CaptureFormatException>(() => CaptureAssert.Open(Hex.Parse("0a0d0d0a 1c000000 deadbeef 0100 0000"), "bad.pcapng"));
        Assert.Equal("bad.pcapng: not a pcapng file (offset 8: expected byte-order magic 1a2b3c4d, found deadbeef)", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    // ---- pcap ----

    [Fact]
    public void Pcap_truncated_record_header()
    {
        var (records, issues, _) = CaptureAssert.ReadAll(Hex.Parse($"{PcapHeader} {PcapRecord1} 02105e65 0000"));
        Assert.Equal("11111111", Assert.Single(records).DataHex);
        Assert.Equal(new CaptureIssue(44, 2, "truncated record header: expected 16 bytes, 6 available"), Assert.Single(issues.First));
        Assert.Equal(1, issues.TruncatedRecords);
        Assert.Equal(1, issues.SkippedRecords);
        Assert.Equal(6, issues.SkippedBytes);
        Assert.True(issues.StoppedEarly);
    }

    [Fact]
    public void Pcap_truncated_record_body()
    {
        var (records, issues, _) = CaptureAssert.ReadAll(Hex.Parse($"""
            {PcapHeader} {PcapRecord1}
            01105e65 00000000 64000000 64000000 | 2222     // says 100 bytes, file ends after 2
            """));
        Assert.Single(records);
        Assert.Equal(new CaptureIssue(44, 2, "truncated record: header says 100 bytes, 2 available"), Assert.Single(issues.First));
        Assert.Equal(1, issues.TruncatedRecords);
    }

    [Fact]
    public void Pcap_captured_length_above_snap_length_is_delivered_and_flagged()
    {
        var (records, issues, _) = CaptureAssert.ReadAll(Hex.Parse($"""
            d4c3b2a1 0200 0400 00000000 00000000 | 04000000 | 01000000   // snap length 4
            00105e65 00000000 06000000 06000000 | 111111111111          // 6 bytes captured
            {PcapRecord3}
            """));
        Assert.Equal(["111111111111", "33333333"], records.Select(r => r.DataHex));
        Assert.Equal(new CaptureIssue(24, 1, "captured length 6 exceeds the snapshot length 4"), Assert.Single(issues.First));
        Assert.Equal(1, issues.SuspiciousRecords);
        Assert.Equal(0, issues.SkippedRecords);
        Assert.False(issues.StoppedEarly);
    }

    [Fact]
    public void Pcap_absurd_captured_length_resynchronises_on_the_next_record()
    {
        var (records, issues, _) = CaptureAssert.ReadAll(Hex.Parse($"""
            {PcapHeader} {PcapRecord1}
            01105e65 00000000 00001000 00001000          // caplen 0x00100000: a corrupted header
            eeeeeeee eeeeeeee eeeeeeee eeeeeeee eeeeeeee  // the 20 bytes it really had
            {PcapRecord3}
            """));
        Assert.Equal([1L, 3L], records.Select(r => r.PacketNumber));
        Assert.Equal("33333333", records[1].DataHex);
        Assert.Equal(80, records[1].FileOffset);
        Assert.Equal(
            new CaptureIssue(44, 2, "absurd captured length 1048576 (expected at most 262144); skipped 36 bytes to the next plausible record header at offset 80"),
            Assert.Single(issues.First));
        Assert.Equal(1, issues.SkippedRecords);
        Assert.Equal(36, issues.SkippedBytes);
        Assert.False(issues.StoppedEarly);
    }

    [Fact]
    public void Pcap_absurd_captured_length_without_a_following_record_stops()
    {
        string garbage = string.Concat(Enumerable.Repeat("ee", 100));
        var (records, issues, _) = CaptureAssert.ReadAll(Hex.Parse($"{PcapHeader} {PcapRecord1} 01105e65 00000000 00001000 00001000 {garbage}"));
        Assert.Single(records);
        Assert.Equal(
            new CaptureIssue(44, 2, "absurd captured length 1048576 (expected at most 262144); no plausible record header within 65536 bytes, stopped"),
            Assert.Single(issues.First));
        Assert.True(issues.StoppedEarly);
        Assert.Equal(116, issues.SkippedBytes);
    }

    [Fact]
    public void Pcap_garbage_tail_stops_with_an_issue()
    {
        byte[] bytes = [.. Hex.Parse($"{PcapHeader} {PcapRecord1} {PcapRecord3}"), .. Encoding.ASCII.GetBytes("this is not a pcap record, just trailing text\n")];
        var (records, issues, _) = CaptureAssert.ReadAll(bytes);
        Assert.Equal(2, records.Count);
        var issue = Assert.Single(issues.First);
        Assert.Equal(64, issue.FileOffset);
        Assert.StartsWith("absurd captured length", issue.Reason, StringComparison.Ordinal);
        Assert.True(issues.StoppedEarly);
    }

    [Fact]
    public void Pcap_short_garbage_tail_is_a_truncated_header()
    {
        byte[] bytes = [.. Hex.Parse($"{PcapHeader} {PcapRecord1}"), .. Encoding.ASCII.GetBytes("junk\n")];
        var (records, issues, _) = CaptureAssert.ReadAll(bytes);
        Assert.Single(records);
        Assert.Equal("truncated record header: expected 16 bytes, 5 available", Assert.Single(issues.First).Reason);
    }

    // ---- pcapng ----

    [Fact]
    public void Pcapng_overstated_block_length_is_skipped_and_reading_continues()
    {
        // EPB 1 claims 52 bytes but is 36; its "trailer" would be inside EPB 2.
        var (records, issues, _) = CaptureAssert.ReadAll(Hex.Parse($"{NgStart} {Epb(1, length: "34000000")} {Epb(2)} {Epb(3)}"));
        Assert.Equal([2L, 3L], records.Select(r => r.PacketNumber));
        Assert.Equal(["02020202", "03030303"], records.Select(r => r.DataHex));
        Assert.Equal(
            new CaptureIssue(48, 1, "trailing block length 0 does not match leading length 52; skipped 36 bytes to the next valid block at offset 84"),
            Assert.Single(issues.First));
        Assert.Equal(1, issues.SkippedRecords);
        Assert.Equal(36, issues.SkippedBytes);
    }

    [Fact]
    public void Pcapng_block_length_past_end_of_file_with_blocks_after_it()
    {
        var (records, issues, _) = CaptureAssert.ReadAll(Hex.Parse($"{NgStart} {Epb(1, length: "00100000")} {Epb(2)} {Epb(3)}"));
        Assert.Equal([2L, 3L], records.Select(r => r.PacketNumber));
        Assert.Equal(
            "block length 4096 runs past the end of the file (108 bytes available); skipped 36 bytes to the next valid block at offset 84",
            Assert.Single(issues.First).Reason);
    }

    [Fact]
    public void Pcapng_truncated_last_block()
    {
        string cut = Epb(2).Replace(" ", "", StringComparison.Ordinal)[..40]; // first 20 bytes
        var (records, issues, _) = CaptureAssert.ReadAll(Hex.Parse($"{NgStart} {Epb(1)} {cut}"));
        Assert.Single(records);
        Assert.Equal(new CaptureIssue(84, 2, "truncated record: header says 36 bytes, 20 available"), Assert.Single(issues.First));
        Assert.Equal(1, issues.TruncatedRecords);
        Assert.True(issues.StoppedEarly);
    }

    [Fact]
    public void Pcapng_truncated_block_header()
    {
        var (records, issues, _) = CaptureAssert.ReadAll(Hex.Parse($"{NgStart} {Epb(1)} 06000000 2400"));
        Assert.Single(records);
        Assert.Equal(new CaptureIssue(84, 2, "truncated block header: expected at least 12 bytes, 6 available"), Assert.Single(issues.First));
        Assert.Equal(1, issues.TruncatedRecords);
    }

    [Theory]
    [InlineData("25000000", "block length 37 is invalid (expected a multiple of 4, at least 12)")]
    [InlineData("08000000", "block length 8 is invalid (expected a multiple of 4, at least 12)")]
    public void Pcapng_invalid_block_length_is_skipped(string length, string reason)
    {
        var (records, issues, _) = CaptureAssert.ReadAll(Hex.Parse($"{NgStart} {Epb(1, length: length)} {Epb(2)}"));
        Assert.Equal("02020202", Assert.Single(records).DataHex);
        Assert.Equal($"{reason}; skipped 36 bytes to the next valid block at offset 84", Assert.Single(issues.First).Reason);
    }

    [Fact]
    public void Pcapng_bad_trailing_length_is_skipped()
    {
        var (records, issues, _) = CaptureAssert.ReadAll(Hex.Parse($"{NgStart} {Epb(1, trailer: "28000000")} {Epb(2)}"));
        Assert.Equal(2, Assert.Single(records).PacketNumber);
        Assert.Equal(
            new CaptureIssue(48, 1, "trailing block length 40 does not match leading length 36; skipped 36 bytes to the next valid block at offset 84"),
            Assert.Single(issues.First));
    }

    [Fact]
    public void Pcapng_unknown_interface_is_skipped()
    {
        var (records, issues, _) = CaptureAssert.ReadAll(Hex.Parse($"{NgStart} {Epb(1, iface: "05000000")} {Epb(2)}"));
        Assert.Equal(2, Assert.Single(records).PacketNumber);
        Assert.Equal(
            new CaptureIssue(48, 1, "unknown interface 5 (expected below 1, the interfaces described so far in this section)"),
            Assert.Single(issues.First));
        Assert.Equal(0, issues.SkippedBytes);
        Assert.False(issues.StoppedEarly);
    }

    [Fact]
    public void Pcapng_packet_before_any_interface_is_skipped()
    {
        var (records, issues, _) = CaptureAssert.ReadAll(Hex.Parse($"""
            0a0d0d0a 1c000000 4d3c2b1a 0100 0000 ffffffff ffffffff 1c000000
            {Epb(1)}
            03000000 10000000 00000000 10000000      // SPB, also needs interface 0
            01000000 14000000 0100 0000 00000400 14000000
            {Epb(3)}
            """));
        Assert.Equal(3, Assert.Single(records).PacketNumber);
        Assert.Equal(2, issues.SkippedRecords);
        Assert.Equal("simple packet block needs interface 0, but the section has 0 interfaces", issues.First[1].Reason);
    }

    [Theory]
    [InlineData("03000000 0c000000 0c000000", "simple packet block of 12 bytes is too short (expected at least 16)")]
    [InlineData("06000000 1c000000 00000000 00000000 00000000 00000000 1c000000", "enhanced packet block of 28 bytes is too short (expected at least 32)")]
    [InlineData("02000000 1c000000 00000000 00000000 00000000 00000000 1c000000", "obsolete packet block of 28 bytes is too short (expected at least 32)")]
    public void Pcapng_packet_blocks_too_short_for_their_header_are_skipped(string block, string reason)
    {
        var (records, issues, _) = CaptureAssert.ReadAll(Hex.Parse($"{NgStart} {block} {Epb(2)}"));
        Assert.Equal(2, Assert.Single(records).PacketNumber);
        Assert.Equal(new CaptureIssue(48, 1, reason), Assert.Single(issues.First));
    }

    [Fact]
    public void Pcapng_captured_length_beyond_the_block_is_skipped()
    {
        var (records, issues, _) = CaptureAssert.ReadAll(Hex.Parse($"{NgStart} {Epb(1, caplen: "10000000")} {Epb(2)}"));
        Assert.Equal(2, Assert.Single(records).PacketNumber);
        Assert.Equal("captured length 16 exceeds the block (4 bytes of packet data)", Assert.Single(issues.First).Reason);
    }

    [Fact]
    public void Pcapng_captured_length_above_snap_length_is_delivered_and_flagged()
    {
        var (records, issues, _) = CaptureAssert.ReadAll(Hex.Parse($"""
            0a0d0d0a 1c000000 4d3c2b1a 0100 0000 ffffffff ffffffff 1c000000
            01000000 14000000 0100 0000 02000000 14000000      // IDB: snap 2
            {Epb(1)}
            """));
        Assert.Equal("01010101", Assert.Single(records).DataHex);
        Assert.Equal("captured length 4 exceeds the snapshot length 2", Assert.Single(issues.First).Reason);
        Assert.Equal(1, issues.SuspiciousRecords);
    }

    [Fact]
    public void Pcapng_unknown_link_type_is_delivered_as_its_number()
    {
        var (records, issues, _) = CaptureAssert.ReadAll(Hex.Parse($"""
            0a0d0d0a 1c000000 4d3c2b1a 0100 0000 ffffffff ffffffff 1c000000
            01000000 14000000 3412 0000 00000400 14000000      // IDB: link type 0x1234
            {Epb(1)}
            """));
        Assert.Equal((LinkType)0x1234, Assert.Single(records).LinkType);
        Assert.Equal(0, issues.Total);
    }

    [Fact]
    public void Pcapng_corrupt_section_header_is_skipped_to_the_next_section()
    {
        var (records, issues, _) = CaptureAssert.ReadAll(Hex.Parse($"""
            {NgStart} {Epb(1)}
            0a0d0d0a 1c000000 deadbeef 0100 0000 ffffffff ffffffff 1c000000     // 84: bad byte-order magic
            {NgStart} {Epb(3)}                                                   // 112: a fresh section
            """));
        Assert.Equal(["01010101", "03030303"], records.Select(r => r.DataHex));
        Assert.Equal(
            new CaptureIssue(84, 1, "section header byte-order magic deadbeef is invalid (expected 1a2b3c4d); skipped 28 bytes to the next valid block at offset 112"),
            Assert.Single(issues.First));
    }

    [Fact]
    public void Pcapng_garbage_tail_stops_with_an_issue()
    {
        byte[] bytes = [.. Hex.Parse($"{NgStart} {Epb(1)}"), .. Encoding.ASCII.GetBytes("this is trailing text, not a block\n")];
        var (records, issues, _) = CaptureAssert.ReadAll(bytes);
        Assert.Single(records);
        var issue = Assert.Single(issues.First);
        Assert.Equal(84, issue.FileOffset);
        Assert.EndsWith("no valid block within 65536 bytes, stopped", issue.Reason, StringComparison.Ordinal);
        Assert.True(issues.StoppedEarly);
        Assert.Equal(35, issues.SkippedBytes);
    }

    [Fact]
    public void Issue_details_are_bounded_but_every_issue_is_counted()
    {
        var hex = new StringBuilder(NgStart);
        for (int i = 0; i < 150; i++)
        {
            hex.Append(' ').Append(Epb(1, iface: "09000000"));
        }

        hex.Append(' ').Append(Epb(2));
        var (records, issues, _) = CaptureAssert.ReadAll(Hex.Parse(hex.ToString()));
        Assert.Equal(151, Assert.Single(records).PacketNumber);
        Assert.Equal(150, issues.Total);
        Assert.Equal(150, issues.SkippedRecords);
        Assert.Equal(CaptureIssues.DetailLimit, issues.First.Count);
        Assert.Equal(100, issues.First[^1].PacketNumber);
    }

    // ---- fuzzing: whatever the damage, reading ends without throwing and stays within the input ----

    [Theory]
    [InlineData("pcap")]
    [InlineData("pcapng")]
    public void Damaged_files_never_throw_hang_or_overrun(string format)
    {
        byte[] original = format == "pcap" ? SampleFiles.Pcap(records: 40) : SampleFiles.PcapNg(records: 40);
        var random = new Random(12345);
        for (int iteration = 0; iteration < 400; iteration++)
        {
            byte[] damaged = (byte[])original.Clone();
            int flips = random.Next(1, 12);
            for (int i = 0; i < flips; i++)
            {
                // Leave the magic alone so Open succeeds; damage anything else.
                damaged[random.Next(12, damaged.Length)] = (byte)random.Next(256);
            }

            int length = random.Next(4) == 0 ? random.Next(24, damaged.Length) : damaged.Length;
            byte[] input = damaged[..length];

            CaptureReader reader;
            try
            {
                reader = CaptureAssert.Open(input);
            }
            catch (CaptureFormatException)
            {
                continue; // only possible when the section header itself was damaged
            }

            using (reader)
            {
                var records = CaptureAssert.ReadAll(reader);
                Assert.True(reader.Position <= input.Length);
                Assert.True(records.Count <= 40 + 10, $"iteration {iteration}: {records.Count} records from 40");
                Assert.True(reader.Issues.First.Count <= CaptureIssues.DetailLimit);
                Assert.All(records, r => Assert.True(r.Data.Length <= 262144));
            }
        }
    }

    [Fact]
    public void Random_bytes_after_a_valid_header_never_throw()
    {
        var random = new Random(777);
        foreach (string header in new[] { PcapHeader, NgStart })
        {
            for (int iteration = 0; iteration < 100; iteration++)
            {
                byte[] tail = new byte[random.Next(0, 5000)];
                random.NextBytes(tail);
                byte[] input = [.. Hex.Parse(header), .. tail];
                using var reader = CaptureAssert.Open(input);
                CaptureAssert.ReadAll(reader);
                Assert.True(reader.Position <= input.Length);
            }
        }
    }
}
