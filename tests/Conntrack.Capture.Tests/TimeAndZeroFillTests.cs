using System.Buffers.Binary;

namespace Conntrack.Capture.Tests;

/// <summary>
/// Damage that decodes fine but lies about time, and zeros where records should be: each is one exact
/// issue, and delivered time never runs backwards.
/// </summary>
public class TimeAndZeroFillTests
{
    private const long Second = 1_000_000_000;
    private const uint Start = 0x655e1000; // 1700663296 s
    private const uint TenYears = 315_360_000;

    // pcap: little-endian, microseconds, snap 65535, Ethernet. 24 bytes; records of 20 bytes follow.
    private const string PcapHeader = "d4c3b2a1 0200 0400 00000000 00000000 ffff0000 01000000";

    // The same with the nanosecond magic.
    private const string PcapNanoHeader = "4d3cb2a1 0200 0400 00000000 00000000 ffff0000 01000000";

    // pcapng: SHB (28 bytes) + IDB Ethernet snap 262144 (20 bytes); packets start at offset 48.
    private const string NgStart = """
        0a0d0d0a 1c000000 4d3c2b1a 0100 0000 ffffffff ffffffff 1c000000
        01000000 14000000 0100 0000 00000400 14000000
        """;

    // SHB, then an IDB with one option given as hex (a 4-byte value makes it 32 bytes: packets start at 60).
    private static string NgStartWith(string option)
    {
        string length = Le((uint)(24 + Hex.Parse(option).Length));
        return $"""
            0a0d0d0a 1c000000 4d3c2b1a 0100 0000 ffffffff ffffffff 1c000000
            01000000 {length} 0100 0000 00000400 {option} 0000 0000 {length}
            """;
    }

    private static string Le(uint value)
    {
        byte[] bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return Hex.Format(bytes);
    }

    // A 20-byte pcap record with 4 bytes of data, all 'tag'.
    private static string Rec(uint seconds, uint fraction, int tag) =>
        $"{Le(seconds)} {Le(fraction)} 04000000 04000000 | {tag:x2}{tag:x2}{tag:x2}{tag:x2}";

    // A 36-byte EPB on interface 0 with 4 bytes of data.
    private static string Epb(ulong ticks, int tag) =>
        $"06000000 24000000 00000000 {Le((uint)(ticks >> 32))} {Le((uint)ticks)} 04000000 04000000 {tag:x2}{tag:x2}{tag:x2}{tag:x2} 24000000";

    private static long At(uint seconds, long nanoseconds = 0) => (seconds * Second) + nanoseconds;

    // ---- pcap: timestamps ----

    [Fact]
    public void A_record_ten_years_ahead_of_both_neighbours_is_delivered_at_the_previous_time()
    {
        var (records, issues, _) = CaptureAssert.ReadAll(Hex.Parse($"""
            {PcapHeader}
            {Rec(Start, 0, 1)}
            {Rec(Start + TenYears, 0, 2)}     // 44: a damaged seconds field
            {Rec(Start + 1, 0, 3)}
            """));
        Assert.Equal([At(Start), At(Start), At(Start + 1)], records.Select(r => r.Timestamp));
        Assert.Equal(
            new CaptureIssue(44, 2, "timestamp jumps 315360000.000000000 s ahead of the previous record and the next record is back; delivered at the previous record's time"),
            Assert.Single(issues.First));
        Assert.Equal(1, issues.RetimedRecords);
        Assert.Equal(0, issues.SkippedRecords);
    }

    [Fact]
    public void A_last_record_far_ahead_with_nothing_after_it_is_delivered_at_the_previous_time()
    {
        var (records, issues, _) = CaptureAssert.ReadAll(Hex.Parse($"{PcapHeader} {Rec(Start, 0, 1)} {Rec(Start + TenYears, 0, 2)}"));
        Assert.Equal([At(Start), At(Start)], records.Select(r => r.Timestamp));
        Assert.Equal(
            new CaptureIssue(44, 2, "timestamp jumps 315360000.000000000 s ahead of the previous record and no record follows; delivered at the previous record's time"),
            Assert.Single(issues.First));
    }

    [Fact]
    public void A_first_record_far_ahead_of_the_next_is_delivered_at_the_next_time()
    {
        var (records, issues, _) = CaptureAssert.ReadAll(Hex.Parse($"{PcapHeader} {Rec(Start + TenYears, 0, 1)} {Rec(Start, 0, 2)} {Rec(Start + 1, 0, 3)}"));
        Assert.Equal([At(Start), At(Start), At(Start + 1)], records.Select(r => r.Timestamp));
        Assert.Equal(
            new CaptureIssue(24, 1, "timestamp is 315360000.000000000 s ahead of the next record; delivered at the next record's time"),
            Assert.Single(issues.First));
        Assert.Equal(1, issues.RetimedRecords);
    }

    [Fact]
    public void A_pause_the_next_record_confirms_is_real_time_and_no_issue()
    {
        // Two hours of silence, then traffic again: the capture paused, nothing is damaged.
        var (records, issues, _) = CaptureAssert.ReadAll(Hex.Parse($"{PcapHeader} {Rec(Start, 0, 1)} {Rec(Start + 7200, 0, 2)} {Rec(Start + 7200, 5, 3)}"));
        Assert.Equal([At(Start), At(Start + 7200), At(Start + 7200, 5_000)], records.Select(r => r.Timestamp));
        Assert.Equal(0, issues.Total);
    }

    [Fact]
    public void A_step_back_is_delivered_at_the_previous_time()
    {
        var (records, issues, _) = CaptureAssert.ReadAll(Hex.Parse($"""
            {PcapHeader}
            {Rec(Start, 0, 1)}
            {Rec(Start + 2, 0, 2)}
            {Rec(Start + 1, 250_000, 3)}     // 64: 0.75 s before record 2
            {Rec(Start + 3, 0, 4)}
            """));
        Assert.Equal([At(Start), At(Start + 2), At(Start + 2), At(Start + 3)], records.Select(r => r.Timestamp));
        Assert.Equal(
            new CaptureIssue(64, 3, "timestamp steps back 0.750000000 s from the previous record; delivered at the previous record's time"),
            Assert.Single(issues.First));
        Assert.Equal(1, issues.RetimedRecords);
    }

    [Fact]
    public void A_microsecond_field_of_a_second_or_more_is_carried_into_the_seconds()
    {
        var (records, issues, _) = CaptureAssert.ReadAll(Hex.Parse($"""
            {PcapHeader}
            {Rec(Start, 1_500_000, 1)}     // 24: 1.5 s in the microsecond field
            {Rec(Start + 2, 0, 2)}
            """));
        Assert.Equal([At(Start + 1, 500_000_000), At(Start + 2)], records.Select(r => r.Timestamp));
        Assert.Equal(new CaptureIssue(24, 1, "microsecond field 1500000 is not below 1000000; carried into the seconds"), Assert.Single(issues.First));
        Assert.Equal(1, issues.SuspiciousRecords);
        Assert.Equal(0, issues.RetimedRecords);
    }

    [Fact]
    public void A_nanosecond_field_of_a_second_or_more_is_carried_into_the_seconds()
    {
        var (records, issues, _) = CaptureAssert.ReadAll(Hex.Parse($"{PcapNanoHeader} {Rec(Start, 0, 1)} {Rec(Start, 1_000_000_000, 2)} {Rec(Start + 1, 1, 3)}"));
        Assert.Equal([At(Start), At(Start + 1), At(Start + 1, 1)], records.Select(r => r.Timestamp));
        Assert.Equal(new CaptureIssue(44, 2, "nanosecond field 1000000000 is not below 1000000000; carried into the seconds"), Assert.Single(issues.First));
    }

    // ---- pcap: zeros ----

    [Fact]
    public void A_zero_filled_tail_is_one_issue_not_thousands_of_records()
    {
        // 200000 zero bytes, more than the reader buffers at once, where 12500 empty records would be.
        byte[] bytes = [.. Hex.Parse($"{PcapHeader} {Rec(Start, 0, 1)} {Rec(Start + 1, 0, 2)}"), .. new byte[200_000]];
        var (records, issues, reader) = CaptureAssert.ReadAll(bytes);
        Assert.Equal([1L, 2L], records.Select(r => r.PacketNumber));
        Assert.Equal(
            new CaptureIssue(64, 2, "200000 zero bytes from here to the end of the file (pre-allocated or cut short), not records; skipped"),
            Assert.Single(issues.First));
        Assert.Equal(200_000, issues.SkippedBytes);
        Assert.Equal(0, issues.SkippedRecords);
        Assert.False(issues.StoppedEarly);
        Assert.Equal(bytes.Length, reader.Position);
    }

    [Fact]
    public void A_zero_filled_tail_shorter_than_a_record_header_is_zero_fill_too()
    {
        var (records, issues, _) = CaptureAssert.ReadAll(Hex.Parse($"{PcapHeader} {Rec(Start, 0, 1)} 00000000 0000"));
        Assert.Single(records);
        Assert.Equal(
            new CaptureIssue(44, 1, "6 zero bytes from here to the end of the file (pre-allocated or cut short), not records; skipped"),
            Assert.Single(issues.First));
        Assert.Equal(0, issues.TruncatedRecords);
    }

    [Fact]
    public void A_zero_hole_between_records_is_skipped_and_reading_goes_on()
    {
        string hole = string.Concat(Enumerable.Repeat("00", 100));
        var (records, issues, _) = CaptureAssert.ReadAll(Hex.Parse($"{PcapHeader} {Rec(Start, 0, 1)} {hole} {Rec(Start + 1, 0, 3)}"));
        Assert.Equal(["01010101", "03030303"], records.Select(r => r.DataHex));
        Assert.Equal([1L, 2L], records.Select(r => r.PacketNumber));
        Assert.Equal(144, records[1].FileOffset);
        Assert.Equal(new CaptureIssue(44, 1, "100 zero bytes up to offset 144, not records; skipped"), Assert.Single(issues.First));
        Assert.Equal(100, issues.SkippedBytes);
    }

    // ---- pcapng ----

    [Fact]
    public void Pcapng_record_far_ahead_of_both_neighbours_is_delivered_at_the_previous_time()
    {
        var (records, issues, _) = CaptureAssert.ReadAll(Hex.Parse($"{NgStart} {Epb(1, 1)} {Epb(1UL << 52, 2)} {Epb(3, 3)}"));
        Assert.Equal([1_000L, 1_000L, 3_000L], records.Select(r => r.Timestamp));
        Assert.Equal(
            new CaptureIssue(84, 2, "timestamp jumps 4503599627.370495000 s ahead of the previous record on the same interface and the next record is back; delivered at the previous record's time"),
            Assert.Single(issues.First));
    }

    [Fact]
    public void Pcapng_timestamp_in_coarse_units_beyond_64_bit_nanoseconds_is_delivered_at_the_previous_time()
    {
        // if_tsresol 10^0: whole seconds, so 3 << 32 ticks are 1.3e19 ns, past 2^63.
        var (records, issues, _) = CaptureAssert.ReadAll(Hex.Parse($"""
            {NgStartWith("0900 0100 00000000")}
            {Epb(1000, 1)}
            {Epb(3UL << 32, 2)}     // 96
            {Epb(1001, 3)}
            """));
        Assert.Equal([1000 * Second, 1000 * Second, 1001 * Second], records.Select(r => r.Timestamp));
        Assert.Equal(
            new CaptureIssue(96, 2, "timestamp 12884901888 in units of 10^-0 s plus if_tsoffset 0 s is beyond 64-bit nanoseconds; delivered at the previous record's time"),
            Assert.Single(issues.First));
        Assert.Equal(1, issues.RetimedRecords);
    }

    [Fact]
    public void Pcapng_offset_beyond_64_bit_nanoseconds_with_no_other_record_is_delivered_at_time_0()
    {
        // if_tsoffset 10^10 s (0x2540be400): no timestamp on this interface can be represented.
        var (records, issues, _) = CaptureAssert.ReadAll(Hex.Parse($"""
            {NgStartWith("0e00 0800 00e40b54 02000000")}
            {Epb(1, 1)}
            """));
        Assert.Equal(0, Assert.Single(records).Timestamp);
        Assert.Equal(
            new CaptureIssue(64, 1, "timestamp 1 in units of 10^-6 s plus if_tsoffset 10000000000 s is beyond 64-bit nanoseconds; delivered at time 0, there being no other record"),
            Assert.Single(issues.First));
    }

    [Fact]
    public void Pcapng_resolution_that_cannot_be_represented_falls_back_to_microseconds()
    {
        var (records, issues, _) = CaptureAssert.ReadAll(Hex.Parse($"{NgStartWith("0900 0100 14000000")} {Epb(7, 1)}"));
        Assert.Equal(7_000, Assert.Single(records).Timestamp);
        Assert.Equal(new CaptureIssue(28, 0, "if_tsresol 10^-20 is not supported; using microseconds"), Assert.Single(issues.First));
    }

    [Fact]
    public void Pcapng_zero_filled_tail_is_one_issue()
    {
        byte[] bytes = [.. Hex.Parse($"{NgStart} {Epb(1, 1)}"), .. new byte[100_000]];
        var (records, issues, reader) = CaptureAssert.ReadAll(bytes);
        Assert.Single(records);
        Assert.Equal(
            new CaptureIssue(84, 1, "100000 zero bytes from here to the end of the file (pre-allocated or cut short), not records; skipped"),
            Assert.Single(issues.First));
        Assert.Equal(100_000, issues.SkippedBytes);
        Assert.False(issues.StoppedEarly);
        Assert.Equal(bytes.Length, reader.Position);
    }

    [Fact]
    public void Pcapng_zero_hole_between_blocks_is_skipped_and_reading_goes_on()
    {
        string hole = string.Concat(Enumerable.Repeat("00000000", 16));
        var (records, issues, _) = CaptureAssert.ReadAll(Hex.Parse($"{NgStart} {Epb(1, 1)} {hole} {Epb(2, 2)}"));
        Assert.Equal(["01010101", "02020202"], records.Select(r => r.DataHex));
        Assert.Equal(new CaptureIssue(84, 1, "64 zero bytes up to offset 148, not records; skipped"), Assert.Single(issues.First));
    }
}
