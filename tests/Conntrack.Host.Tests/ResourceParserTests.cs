using Conntrack.Host.Files;
using Conntrack.TestData;
using Conntrack.Host.Parsing;
using Conntrack.Host.Resources;
using Conntrack.Host.Sysctls;

namespace Conntrack.Host.Tests;

public class ResourceParserTests
{
    [Fact]
    public void Slabinfo_2_1_line_of_this_kernel()
    {
        var info = SlabInfo.Read(Support.Text(
            "slabinfo - version: 2.1\n" +
            "# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>\n" +
            "nf_conntrack_expect      0      0    208   19    1 : tunables    0    0    0 : slabdata      0      0      0\n" +
            "nf_conntrack          80    144    256   16    1 : tunables    0    0    0 : slabdata      9      9      0\n"), "slabinfo", 4096, new ParseIssueLog());
        Assert.Equal("2.1", info.Version);
        var c = Assert.Single(info.ConntrackCaches);
        Assert.Equal(("nf_conntrack", 80L, 144L, 256, 16, 1, 9L), (c.Name, c.ActiveObjects, c.TotalObjects, c.ObjectSize, c.ObjectsPerSlab, c.PagesPerSlab, c.TotalSlabs));
        Assert.Equal(9 * 4096, c.BytesHeld(4096));
    }

    [Fact]
    public void Slabinfo_1_1_line_of_the_field_report_derives_objects_per_slab()
    {
        // "ip_conntrack 6537 16620 384 984 1662 1 : 496 124": active, total, size, active slabs, slabs, pages per slab.
        var info = SlabInfo.Read(Support.Text("slabinfo - version: 1.1 (SMP)\nip_conntrack 6537 16620 384 984 1662 1 : 496 124\n"), "slabinfo", 4096, new ParseIssueLog());
        var c = Assert.Single(info.ConntrackCaches);
        Assert.Equal(384, c.ObjectSize);
        Assert.Equal(10, c.ObjectsPerSlab);
        Assert.Equal(1662, c.TotalSlabs);
        Assert.Equal(984, c.ActiveSlabs);
        Assert.Equal(1662L * 4096, c.BytesHeld(4096));
    }

    [Fact]
    public void Slabinfo_sums_3x_per_netns_caches_and_ignores_expectations()
    {
        var info = SlabInfo.Read(Support.Text(
            "nf_conntrack_expect      0      0    240   16    1 : tunables    0    0    0 : slabdata      0      0      0\n" +
            "nf_conntrack_ffffffff81b2a920   1530   1560    312   26    2 : tunables    0    0    0 : slabdata     60     60      0\n" +
            "nf_conntrack_ffff880c2f1e8000     12     26    312   26    2 : tunables    0    0    0 : slabdata      1      1      0\n"), "slabinfo", 4096, new ParseIssueLog());
        Assert.Equal(2, info.ConntrackCaches.Count);
        var combined = info.Combined!;
        Assert.Equal(1542, combined.ActiveObjects);
        Assert.Equal(61, combined.TotalSlabs);
        Assert.Equal(61L * 2 * 4096, combined.BytesHeld(4096));
        Assert.False(SlabInfo.IsConntrackCache("nf_conntrack_expect"));
    }

    [Fact]
    public void Slabinfo_line_whose_name_holds_a_colon_is_reported()
    {
        // Found by fuzzing (fuzz/regressions/host/meminfo-as-slabinfo): the numbers were cut at a
        // colon inside the name, before the tokenizer's position, and slicing there threw.
        var issues = new ParseIssueLog();
        var info = SlabInfo.Read(Support.Text("MemTotal:       16384 kB\nMemFree:         9120 kB\n"), "slabinfo", 4096, issues);
        Assert.Empty(info.ConntrackCaches);
        Assert.Equal(2, issues.Total);
        Assert.All(issues.Kept, issue => Assert.Contains("at least five numbers", issue.Expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Slabinfo_garbage_is_reported()
    {
        var issues = new ParseIssueLog();
        var info = SlabInfo.Read(Support.Text("nf_conntrack  lots of objects\nnf_conntrack     10 16 0 16 1 : tunables 0 0 0 : slabdata 1 1 0\n"), "slabinfo", 4096, issues);
        Assert.Empty(info.ConntrackCaches);
        Assert.Equal(2, issues.Total);
        Assert.Contains("object size", issues.Kept[1].Expected, StringComparison.Ordinal);
    }

    [Fact]
    public void Meminfo_reads_kb_estimates_available_before_3_14_and_skips_the_2_4_table()
    {
        var modern = MemInfo.Read(Support.Text("MemTotal:       16318504 kB\nMemFree:  9120344 kB\nMemAvailable:   13502112 kB\nHugePages_Total:       0\n"), "m", new ParseIssueLog());
        Assert.Equal(16318504L * 1024, modern.Total);
        Assert.Equal(13502112L * 1024, modern.Available);
        Assert.False(modern.AvailableIsEstimate);
        Assert.Equal(0, modern.Get("HugePages_Total"));

        var issues = new ParseIssueLog();
        var old = MemInfo.Read(Support.Text(
            "        total:    used:    free:  shared: buffers:  cached:\nMem:  31313920 29159424  2154496        0  1249280  5541888\nSwap:        0        0        0\n" +
            "MemTotal:        30580 kB\nMemFree:          2104 kB\nBuffers:          1220 kB\nCached:           5412 kB\nLowTotal:        30580 kB\nLowFree:          2104 kB\nnonsense here\n"), "m", issues);
        Assert.True(old.AvailableIsEstimate);
        Assert.Equal((2104L + 1220 + 5412) * 1024, old.Available);
        Assert.Equal(2104L * 1024, old.LowFree);
        Assert.Equal(1, issues.Total);
    }

    [Fact]
    public void Settings_reader_maps_2_6_names_and_reports_values_the_engine_refuses()
    {
        using var dir = new TempDir();
        dir.File("proc/sys/net/ipv4/netfilter/ip_conntrack_max", "65536\n");
        dir.File("proc/sys/net/ipv4/netfilter/ip_conntrack_count", "36752\n");
        dir.File("proc/sys/net/ipv4/netfilter/ip_conntrack_buckets", "8192\n");
        dir.File("proc/sys/net/ipv4/netfilter/ip_conntrack_tcp_loose", "3\n");
        dir.File("proc/sys/net/ipv4/netfilter/ip_conntrack_tcp_timeout_close_wait", "240\n");
        dir.File("proc/sys/net/ipv4/netfilter/other_file", "1\n");
        var issues = new ParseIssueLog();
        var s = HostSettingsReader.Read(HostRoot.Snapshot(dir.Path), issues);
        Assert.True(s.LegacyNames);
        Assert.Equal(65536, s.Max);
        Assert.Equal(36752, s.Count);
        Assert.Equal(8192, s.Buckets);
        Assert.Equal(240, s.Settings.Get("nf_conntrack_tcp_timeout_close_wait"));
        Assert.Equal(3, s.Get("nf_conntrack_tcp_loose"));
        Assert.Equal(1, s.Settings.Get("nf_conntrack_tcp_loose"));
        Assert.Contains(issues.Kept, i => i.File.EndsWith("ip_conntrack_tcp_loose", StringComparison.Ordinal) && i.Expected.Contains("out of range", StringComparison.Ordinal));
        Assert.Equal("net.ipv4.netfilter.ip_conntrack_max", s.SysctlName("nf_conntrack_max"));
        Assert.Equal("ip_conntrack_tcp_timeout_established", s.ShortName("nf_conntrack_tcp_timeout_established"));
        Assert.False(s.Has("other_file"));
    }

    [Fact]
    public void Settings_reader_reports_garbage_files_and_keeps_defaults()
    {
        var issues = new ParseIssueLog();
        var s = HostSettingsReader.Read(HostRoot.Snapshot(Conntrack.TestData.Snapshots.Path("garbage")), issues);
        Assert.Null(s.Max);
        Assert.Null(s.Count);
        Assert.Equal(432000, s.Settings.Get("nf_conntrack_tcp_timeout_established"));
        Assert.Equal(4, issues.Total);
        Assert.All(issues.Kept, i => Assert.Equal("one integer", i.Expected));
    }
}
