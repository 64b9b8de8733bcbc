using Conntrack.Host.Logs;
using Conntrack.Host.Parsing;

namespace Conntrack.Host.Tests;

public class KernelLogTests
{
    private static LogEvent Single(string line, LogEventKind kind)
    {
        var result = Support.Log(line + "\n");
        var e = Assert.Single(result.Events);
        Assert.Equal(kind, e.Kind);
        return e;
    }

    [Theory]
    [InlineData("[  831.810508] nf_conntrack: nf_conntrack: table full, dropping packet", 0L, false)]
    [InlineData("nf_conntrack: nf_conntrack: table full, dropping packet", 0L, false)]
    [InlineData("[  831.810508] nf_conntrack: nf_conntrack: table full in netns 4026532246, dropping packet", 4026532246L, false)]
    [InlineData("[20763743.334180] nf_conntrack: table full, dropping packet", 0L, false)]
    [InlineData("nf_conntrack: table full, dropping packet.", 0L, true)]
    [InlineData("ip_conntrack: table full, dropping packet.", 0L, true)]
    [InlineData("Aug 30 13:25:46 mailsswl kernel: ip_conntrack: table full, dropping packet.", 0L, true)]
    [InlineData("2019-02-25T03:45:03.778502+00:00 hostname kernel: [20763743.334180] nf_conntrack: table full, dropping packet", 0L, false)]
    [InlineData("Feb 25 03:45:03 hostname kernel: nf_conntrack: nf_conntrack: table full in netns 4026532246, dropping packet", 4026532246L, false)]
    [InlineData("2019-02-25T03:45:03+0000 hostname kernel: nf_conntrack: table full, dropping packet", 0L, false)]
    [InlineData("[20763743.334180] hostname kernel: nf_conntrack: table full, dropping packet", 0L, false)]
    [InlineData("[Mon Feb 25 03:45:03 2019] nf_conntrack: table full, dropping packet", 0L, false)]
    [InlineData("kern  :warn  : [  831.810508] nf_conntrack: nf_conntrack: table full, dropping packet", 0L, false)]
    [InlineData("<4>[  831.810508] nf_conntrack: nf_conntrack: table full, dropping packet", 0L, false)]
    public void Recognises_every_table_full_form(string line, long netns, bool historic)
    {
        var e = Single(line, LogEventKind.TableFull);
        Assert.Equal(netns, e.Value);
        Assert.Equal(historic, e.Historic);
    }

    [Fact]
    public void Reads_the_times_of_each_prefix()
    {
        Assert.Equal(831_810_508, Single("[  831.810508] nf_conntrack: table full, dropping packet", LogEventKind.TableFull).Time.MonoMicros);
        var bsd = Single("Feb  3 16:35:58 ns kernel: ip_conntrack: table full, dropping packet.", LogEventKind.TableFull).Time;
        Assert.False(bsd.HasYear);
        Assert.Equal(new DateTime(LogTime.PlaceholderYear, 2, 3, 16, 35, 58), bsd.Wall);
        Assert.Equal("Feb 3 16:35:58", bsd.ToString());
        var iso = Single("2019-02-25T03:45:03.778502+00:00 hostname kernel: [20763743.334180] nf_conntrack: table full, dropping packet", LogEventKind.TableFull).Time;
        Assert.True(iso.HasYear && iso.HasMono);
        Assert.Equal(new DateTime(2019, 2, 25, 3, 45, 3).AddTicks(7785020), iso.Wall);
        Assert.Equal(20_763_743_334_180, iso.MonoMicros);
        var shortIso = Single("2019-02-25T03:45:03+0000 hostname kernel: nf_conntrack: table full, dropping packet", LogEventKind.TableFull).Time;
        Assert.Equal(new DateTime(2019, 2, 25, 3, 45, 3), shortIso.Wall);
        var dmesgT = Single("[Mon Feb  4 03:45:03 2019] nf_conntrack: table full, dropping packet", LogEventKind.TableFull).Time;
        Assert.Equal(new DateTime(2019, 2, 4, 3, 45, 3), dmesgT.Wall);
        Assert.False(Single("nf_conntrack: table full, dropping packet", LogEventKind.TableFull).Time.IsKnown);
    }

    [Theory]
    [InlineData("[  213.188102] net_ratelimit: 7 callbacks suppressed", 7L)]
    [InlineData("Aug 30 13:25:50 mailsswl kernel: NET: 66 messages suppressed.", 66L)]
    [InlineData("Jun  1 10:00:00 box kernel: printk: 2 messages suppressed.", 2L)]
    [InlineData("net_ratelimit: 8104 callbacks suppressed", 8104L)]
    public void Recognises_rate_limit_summaries(string line, long count) =>
        Assert.Equal(count, Single(line, LogEventKind.Suppressed).Value);

    [Fact]
    public void Recognises_allocation_failures_vmalloc_and_both_boot_banners()
    {
        Single("Mar 14 22:31:16 app07 kernel: nf_conntrack_alloc: Can't alloc conntrack", LogEventKind.AllocFailure);
        Single("ip_conntrack: Can't allocate conntrack.", LogEventKind.AllocFailure);
        Single("nf_conntrack: falling back to vmalloc.", LogEventKind.VmallocFallback);
        Single("[ 1234.5] swapper/0: page allocation failure: order:0, mode:0x20", LogEventKind.PageAllocFailure);

        var slub = Support.Log("SLUB: Unable to allocate memory on node -1 (gfp=0x20)\n  cache: nf_conntrack, object size: 256, buffer size: 256, default order: 0, min order: 0\n" +
                               "SLUB: Unable to allocate memory on node -1 (gfp=0x20)\n  cache: kmalloc-64, object size: 64, buffer size: 64, default order: 0, min order: 0\n");
        Assert.Equal([LogEventKind.AllocFailure, LogEventKind.PageAllocFailure], slub.Events.Select(e => e.Kind));

        var banners = Support.Log(
            "Feb 3 16:35:58 ns kernel: ip_conntrack version 2.4 (8192 buckets, 65536 max) – 228 bytes per conntrack\n" +
            "[    1.000000] nf_conntrack version 0.5.0 (16384 buckets, 65536 max)\n").Banners;
        Assert.Equal(2, banners.Count);
        Assert.Equal(("ip_conntrack", "2.4", 8192L, 65536L, (int?)228), (banners[0].Module, banners[0].Version, banners[0].Buckets, banners[0].Max, banners[0].BytesPerConntrack));
        Assert.Equal(("nf_conntrack", 16384L, 65536L, (int?)null), (banners[1].Module, banners[1].Buckets, banners[1].Max, banners[1].BytesPerConntrack));
    }

    [Fact]
    public void Ignores_other_programs_and_unrelated_kernel_lines()
    {
        var r = Support.Log(
            "Aug 30 13:26:21 mailgw postfix/smtpd[4410]: table full, dropping packet nf_conntrack\n" +
            "Aug 30 13:26:21 mailgw kernel: NET: Registered protocol family 2\n" +
            "-- Boot 1f0c8e7a --\n" +
            "[    2.0] nf_conntrack: expectation table full\n");
        Assert.Empty(r.Events);
        Assert.Equal(0, r.Malformed);
        Assert.Equal(2, r.KernelLines);
    }

    [Fact]
    public void Reports_cut_and_binary_lines_with_what_was_expected()
    {
        var issues = new ParseIssueLog();
        var r = Support.Log(
            "Aug 30 13:26:01 mailsswl kernel: NET: 36 message\n" +
            "Aug 30 13:25:51 gw kernel: net_ratelimit: many callbacks suppressed\n" +
            "Aug 30 13:25:52 gw kernel: nf_conntrack: table full\n" +
            "bin\0ary\n" +
            "Aug 30 13:25:54 gw kernel: nf_conntrack version 0.5.0 (many buckets)\n", issues, "kern.log");
        Assert.Empty(r.Events);
        Assert.Equal(5, r.Malformed);
        Assert.Equal([1L, 2L, 3L, 4L, 5L], issues.Kept.Select(i => i.Line));
        Assert.Contains("NET: N messages suppressed.", issues.Kept[0].Expected, StringComparison.Ordinal);
        Assert.Contains("dropping packet", issues.Kept[2].Expected, StringComparison.Ordinal);
        Assert.Equal("kern.log:1: expected 'NET: N messages suppressed.', found 'Aug 30 13:26:01 mailsswl kernel: NET: 36 message'", issues.Kept[0].ToString());
    }

    [Fact]
    public void Suppression_lines_belong_to_the_table_full_burst_around_them()
    {
        var r = Support.Log(
            "[  208.070000] nf_conntrack: nf_conntrack: table full, dropping packet\n" +
            "[  210.780000] nf_conntrack: nf_conntrack: table full, dropping packet\n" +
            "[  213.188000] net_ratelimit: 7 callbacks suppressed\n" +          // 2.4 s after a table-full line
            "[  213.188004] nf_conntrack: nf_conntrack: table full, dropping packet\n" +
            "[ 5000.000000] net_ratelimit: 40 callbacks suppressed\n" +         // long after: another warning's
            "[ 5000.000004] TCP: request_sock_TCP: Possible SYN flooding on port 80.\n" +
            "[ 9000.000000] net_ratelimit: 3 callbacks suppressed\n" +          // opens a new table-full burst
            "[ 9000.000004] nf_conntrack: nf_conntrack: table full in netns 4026532246, dropping packet\n");
        var suppressed = r.Events.Where(e => e.Kind == LogEventKind.Suppressed).ToList();
        Assert.Equal([true, false, true], suppressed.Select(e => e.AttributedToTableFull));
        Assert.Equal(4026532246L, suppressed[2].BurstNetns);

        var evidence = LogMerger.Merge([r], tag => tag == 0);
        Assert.Equal(3, evidence.TableFullPrinted);
        Assert.Equal(7, evidence.TableFullSuppressed);
        Assert.Equal(1, evidence.OtherNetnsPrinted);
        Assert.Equal(3, evidence.OtherNetnsSuppressed);
        Assert.Equal(40, evidence.UnattributedSuppressed);
        Assert.Equal(208_070_000, evidence.First.MonoMicros);
        Assert.Equal(213_188_004, evidence.Last.MonoMicros);
    }

    [Fact]
    public void Merging_counts_a_line_seen_in_syslog_and_dmesg_once()
    {
        var kern = Support.Log(
            "Nov 12 18:03:10 gw kernel: [119000.500000] nf_conntrack: nf_conntrack: table full, dropping packet\n" +
            "Nov 13 09:15:02 gw kernel: [173040.250000] nf_conntrack: nf_conntrack: table full, dropping packet\n", label: "kern.log", index: 0);
        var syslog = Support.Log(
            "Nov 12 18:03:10 gw kernel: [119000.500000] nf_conntrack: nf_conntrack: table full, dropping packet\n" +
            "Nov 13 09:15:02 gw kernel: [173040.250000] nf_conntrack: nf_conntrack: table full, dropping packet\n", label: "syslog", index: 1);
        var dmesg = Support.Log(
            "[173040.250000] nf_conntrack: nf_conntrack: table full, dropping packet\n" +
            "[173999.000000] nf_conntrack: nf_conntrack: table full, dropping packet\n", label: "dmesg", index: 2);
        var evidence = LogMerger.Merge([kern, syslog, dmesg], tag => tag == 0);
        // Two in the syslog files (the same lines twice), one of them again in dmesg, plus one only dmesg has.
        Assert.Equal(3, evidence.TableFullPrinted);
        Assert.Equal([2L, 0L, 1L], evidence.Sources.Select(s => s.TableFullCounted));
    }

    [Fact]
    public void Merging_adds_rotated_pieces_and_picks_the_larger_of_unmatched_clocks()
    {
        var older = Support.Log("Aug 30 13:25:46 gw kernel: ip_conntrack: table full, dropping packet.\n", label: "messages.1", index: 0);
        var newer = Support.Log("Aug 31 09:00:00 gw kernel: ip_conntrack: table full, dropping packet.\nAug 31 09:00:00 gw kernel: ip_conntrack: table full, dropping packet.\n", label: "messages", index: 1);
        Assert.Equal(3, LogMerger.Merge([older, newer], _ => true).TableFullPrinted);

        // Syslog without kernel timestamps beside dmesg: the clocks cannot be matched line by line.
        var untimedDmesg = Support.Log("ip_conntrack: table full, dropping packet.\n", label: "dmesg", index: 2);
        var evidence = LogMerger.Merge([older, newer, untimedDmesg], _ => true);
        Assert.Equal(3, evidence.TableFullPrinted);
        Assert.Equal([1L, 2L, 0L], evidence.Sources.Select(s => s.TableFullCounted));
        var monoDmesg = Support.Log("[ 1.0] x\n[ 2.0] ip_conntrack: table full, dropping packet.\n[ 3.0] ip_conntrack: table full, dropping packet.\n[ 4.0] ip_conntrack: table full, dropping packet.\n[ 5.0] ip_conntrack: table full, dropping packet.\n", label: "dmesg", index: 2);
        var picked = LogMerger.Merge([older, newer, monoDmesg], _ => true);
        Assert.Equal(4, picked.TableFullPrinted);
        Assert.Contains("counted dmesg", picked.Note, StringComparison.Ordinal);
    }

    [Fact]
    public void Timeline_buckets_printed_and_suppressed_by_time()
    {
        var r = Support.Log(
            "2019-02-25T03:45:03.000000+00:00 leaf01 kernel: nf_conntrack: table full, dropping packet\n" +
            "2019-02-25T03:45:08.000000+00:00 leaf01 kernel: net_ratelimit: 100 callbacks suppressed\n" +
            "2019-02-25T03:45:08.000100+00:00 leaf01 kernel: nf_conntrack: table full, dropping packet\n" +
            "2019-02-25T05:10:00.000000+00:00 leaf01 kernel: nf_conntrack: table full, dropping packet\n");
        var evidence = LogMerger.Merge([r], tag => tag == 0);
        // 85 minutes: 10-minute buckets keep it under 24 rows.
        Assert.Equal(TimeSpan.FromMinutes(10), evidence.BucketWidth);
        Assert.Equal([(2L, 100L), (1L, 0L)], evidence.Timeline.Select(b => (b.Printed, b.Suppressed)));
        Assert.Equal("2019-02-25 03:40:00", evidence.Timeline[0].Start.ToString());
        Assert.Equal("2019-02-25 05:10:00", evidence.Timeline[1].Start.ToString());
    }
}
