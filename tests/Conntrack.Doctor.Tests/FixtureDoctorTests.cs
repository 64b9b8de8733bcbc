using Conntrack.Reporting;
using Conntrack.Host;
using Conntrack.TestData;
using System.Text.Json;
using Conntrack.Host.Logs;

namespace Conntrack.Doctor.Tests;

/// <summary>The doctor on the fixture snapshots: verdicts, counts, evidence and recommendations.</summary>
public class FixtureDoctorTests
{
    private static JsonElement Json(Diagnosis d)
    {
        using var stream = new MemoryStream();
        DoctorJson.Write(stream, d);
        return JsonDocument.Parse(stream.ToArray()).RootElement.Clone();
    }

    private static Recommendation Rec(Diagnosis d, string kind) =>
        d.Recommendations.FirstOrDefault(r => r.Kind == kind) ?? throw new Xunit.Sdk.XunitException($"no {kind} in {string.Join(", ", d.Recommendations.Select(r => r.Kind))}");

    [Fact]
    public void Modern_healthy_host()
    {
        var d = Support.Doctor("modern-healthy");
        Assert.Equal(Verdict.Healthy, d.Verdict);
        Assert.Empty(d.AlsoSeen);
        Assert.Equal(412, d.Usage.Count);
        Assert.Equal(262_144, d.Usage.Max);
        Assert.Equal(262_144, d.Usage.Buckets);
        var t = d.Host.Table!;
        Assert.Equal("/proc/net/nf_conntrack", t.Format);
        Assert.Equal(412, t.Summary.Entries);
        Assert.Equal(0, t.Malformed);
        Assert.Equal(1, t.Summary.Ipv6);
        Assert.Equal(1, t.Summary.ByProtocol[50]);
        Assert.Equal(1, t.Summary.ByProtocol[132]);
        Assert.Equal(4, d.Host.Counters!.CpuRows);
        Assert.Equal(0, d.Host.Counters.Get("drop"));
        Assert.Equal(0, d.Host.Logs.TableFullPrinted);
        Assert.Equal("no_change", Assert.Single(d.Recommendations).Kind);
        Assert.Null(d.SysctlFile);
        Assert.Equal(0, d.Host.Issues.Total);
        // 412 entries at 16 per 4 KiB slab: 26 slabs; 262,144 buckets: 2 MiB.
        Assert.Equal((26L * 4096) + (262_144L * 8), d.Memory.Now!.TotalBytes);
    }

    [Fact]
    public void Full_table_on_a_small_6x_gateway()
    {
        var d = Support.Doctor("full-table");
        Assert.Equal(Verdict.DroppingFull, d.Verdict);
        Assert.Equal((1862L, 1862L, 2048L), (d.Usage.Count!.Value, d.Usage.Max!.Value, d.Usage.Buckets!.Value));
        Assert.Equal(6703, d.Host.Counters!.Get("drop"));
        Assert.Equal(43, d.Host.Counters.Get("early_drop"));
        Assert.Equal(1862, d.Host.Counters.Entries);

        // kern.log holds both bursts (with kernel timestamps), dmesg only the second: counted once.
        var logs = d.Host.Logs;
        Assert.Equal(22, logs.TableFullPrinted);
        Assert.Equal(1204 + 2211, logs.TableFullSuppressed);
        Assert.Equal(22 + 3415, logs.PacketsLost);
        Assert.Equal("Nov 12 18:03:10", logs.First.ToString());
        Assert.Equal("Nov 13 09:15:07", logs.Last.ToString());
        Assert.Equal(2, logs.Timeline.Count);
        Assert.Contains(d.Evidence, e => e.Contains("drop = 6,703", StringComparison.Ordinal));
        Assert.Contains(d.Evidence, e => e.Contains("22 'table full, dropping packet' lines printed and 3,415 suppressed", StringComparison.Ordinal));

        // What fills it: idle ESTABLISHED entries and TIME_WAIT churn.
        var s = d.Host.Table!.Summary;
        Assert.Equal(1100, s.States.Single(x => x.Label == "tcp ESTABLISHED").Count);
        Assert.Equal(800, s.States.Single(x => x.Label == "tcp ESTABLISHED").Idle[^1]);
        Assert.Equal("203.0.113.80", s.Destinations.Top(1)[0].Key.ToString());

        // Shorter timeouts, projected by ageing the table: they alone bring the table to ~42 % of max.
        var established = d.TimeoutProjections.Single(p => p.Setting == "nf_conntrack_tcp_timeout_established");
        Assert.Equal((432_000L, 86_400L, 1100L, 800L, true), (established.Current, established.Proposed, established.EntriesInClass, established.EntriesGone, established.Exact));
        Assert.Equal(240, d.TimeoutProjections.Single(p => p.Setting == "nf_conntrack_tcp_timeout_time_wait").EntriesGone);
        Assert.Equal(1862 - 800 - 240 - 40, d.ProjectedCountAfterTimeouts);

        // Timeouts first (they suffice), then the optional raise with its memory cost, then buckets.
        Assert.Equal(["shorten_timeout", "shorten_timeout", "shorten_timeout", "raise_max", "set_buckets", "persist"], d.Recommendations.Select(r => r.Kind));
        var raise = Rec(d, "raise_max");
        Assert.Equal(["sysctl -w net.netfilter.nf_conntrack_max=4096"], raise.Commands);
        Assert.Contains("optional", raise.Title, StringComparison.Ordinal);
        Assert.Equal(4096, d.RecommendedMax);
        Assert.Equal(4096, d.RecommendedBuckets);
        Assert.Equal((256L * 4096) + (4096L * 8), d.Memory.AtRecommended!.TotalBytes);
        Assert.Contains("sysctl -w net.netfilter.nf_conntrack_buckets=4096", Rec(d, "set_buckets").Commands);
        Assert.Equal("sysctl -w net.netfilter.nf_conntrack_tcp_timeout_established=86400", d.Recommendations[0].Commands[0]);
        Assert.Contains("net.netfilter.nf_conntrack_max = 4096\n", d.SysctlFile!.Content, StringComparison.Ordinal);
        Assert.Contains("net.netfilter.nf_conntrack_tcp_timeout_time_wait = 60\n", d.SysctlFile.Content, StringComparison.Ordinal);
        Assert.Equal(("/etc/modprobe.d/nf_conntrack.conf", "options nf_conntrack hashsize=4096\n"), (d.ModprobeFile!.Path, d.ModprobeFile.Content));
    }

    [Fact]
    public void Legacy_2_6_host_with_ip_conntrack_files_and_NET_suppressed_logs()
    {
        var d = Support.Doctor("legacy-2.6");
        Assert.Equal(Verdict.DroppingFull, d.Verdict);
        Assert.Equal([Verdict.LongChains], d.AlsoSeen);
        Assert.True(d.Host.Settings.LegacyNames);
        Assert.Equal((2048L, 2048L, 256L), (d.Usage.Count!.Value, d.Usage.Max!.Value, d.Usage.Buckets!.Value));
        Assert.Equal(16, d.Usage.AverageChain);
        Assert.Equal("/proc/net/ip_conntrack", d.Host.Table!.Format);
        Assert.Equal(2048, d.Host.Table.Summary.Entries);
        Assert.Equal("/proc/net/stat/ip_conntrack", d.Host.Counters!.File);
        Assert.Equal(3951, d.Host.Counters.Get("drop"));

        var logs = d.Host.Logs;
        Assert.True(logs.Historic);
        Assert.Equal(7, logs.TableFullPrinted);
        Assert.Equal(66 + 39 + 36 + 41 + 52 + 12, logs.TableFullSuppressed);
        Assert.Equal(("ip_conntrack", (int?)228), (logs.Banner!.Module, logs.Banner.BytesPerConntrack));
        // dmesg without timestamps cannot be matched to syslog times: the richer messages file counts.
        Assert.Equal([7L, 0L], logs.Sources.Select(x => x.TableFullCounted));

        // Memory from the host's own 228-byte slab: 2048 entries in 121 slabs of 17.
        Assert.Equal("/proc/slabinfo", d.Memory.ProfileSource);
        Assert.Equal(228, d.Memory.Profile.Geometry.ObjectSize);
        Assert.Equal(121, d.Memory.Now!.Slabs);

        // Commands in the 2.6 names; the bucket count only through modprobe options.
        Assert.Equal(["sysctl -w net.ipv4.netfilter.ip_conntrack_max=4096"], Rec(d, "raise_max").Commands);
        Assert.StartsWith("Raise ip_conntrack_max 2,048 → 4,096", Rec(d, "raise_max").Title, StringComparison.Ordinal);
        Assert.StartsWith("echo 'options ip_conntrack hashsize=4096' > /etc/modprobe.d/ip_conntrack.conf", Rec(d, "set_buckets").Commands.Single(), StringComparison.Ordinal);
        var closeWait = d.TimeoutProjections.Single(p => p.Setting == "nf_conntrack_tcp_timeout_close_wait");
        Assert.Equal((240L, 60L, 300L, 241L), (closeWait.Current, closeWait.Proposed, closeWait.EntriesInClass, closeWait.EntriesGone));
        Assert.Contains(d.Recommendations, r => r.Commands.Contains("sysctl -w net.ipv4.netfilter.ip_conntrack_tcp_timeout_close_wait=60"));
        Assert.Contains("net.ipv4.netfilter.ip_conntrack_tcp_timeout_established = 86400", d.SysctlFile!.Content, StringComparison.Ordinal);

        // The 2.6.9-style tcp_loose=3 and the cut "NET: 36 message" line are reported, not fatal.
        Assert.Equal(2, d.Host.Issues.Total);
        Assert.Contains(d.Host.Issues.Kept, i => i.File == "/var/log/messages" && i.Line == 18 && i.Expected.Contains("NET: N messages suppressed.", StringComparison.Ordinal));
    }

    [Fact]
    public void Cumulus_style_switch_without_a_table_file()
    {
        var d = Support.Doctor("cumulus-switch");
        Assert.Equal(Verdict.DroppingFull, d.Verdict);
        Assert.Contains(Verdict.LongChains, d.AlsoSeen);
        Assert.Null(d.Host.Table);
        Assert.Contains(d.Host.Inputs, i => i.Role == "table" && i.Status == InputStatus.Missing);
        Assert.Equal((65536L, 65536L, 16384L), (d.Usage.Count!.Value, d.Usage.Max!.Value, d.Usage.Buckets!.Value));
        Assert.Equal("/proc/net/stat (2.6–5.x header)", d.Host.Counters!.Format);
        Assert.Equal(4, d.Host.Counters.CpuRows);
        Assert.Equal(40_112 + 38_901, d.Host.Counters.Get("drop"));
        Assert.Equal(33, d.Host.Logs.TableFullPrinted);
        Assert.Equal(8104 + 7311 + 9920, d.Host.Logs.TableFullSuppressed);
        Assert.Equal("2019-02-25 03:45:03", d.Host.Logs.First.ToString());
        Assert.Equal("2019-02-25 03:48:28", d.Host.Logs.Last.ToString());
        // 320-byte objects, 25 per 2-page slab; events=1 puts an extension on every entry.
        Assert.Equal((320, 25, 2), (d.Memory.Profile.Geometry.ObjectSize, d.Memory.Profile.Geometry.ObjectsPerSlab, d.Memory.Profile.Geometry.PagesPerSlab));
        Assert.True(d.Memory.Extensions);
        Assert.Equal((2622L * 8192) + (65536L * 128) + (16384L * 8), d.Memory.AtMax!.TotalBytes);
        Assert.Equal(131_072, d.RecommendedMax);
        Assert.Equal(["raise_max", "set_buckets", "disable_conntrack", "persist"], d.Recommendations.Select(r => r.Kind));
        Assert.Contains("install nf_conntrack /bin/true", Rec(d, "disable_conntrack").Commands.Single(), StringComparison.Ordinal);
        Assert.Empty(d.TimeoutProjections);
    }

    [Fact]
    public void Host_whose_conntrack_allocations_fail()
    {
        var d = Support.Doctor("alloc-failure");
        Assert.Equal(Verdict.DroppingMemory, d.Verdict);
        Assert.Equal((1530L, 65536L), (d.Usage.Count!.Value, d.Usage.Max!.Value));
        var logs = d.Host.Logs;
        Assert.Equal(8, logs.AllocFailures);       // 7 "Can't alloc conntrack" + a SLUB failure naming the conntrack cache
        Assert.Equal(1, logs.PageAllocFailures);
        Assert.Equal(1, logs.VmallocFallbacks);
        Assert.Equal(212, logs.UnattributedSuppressed);
        Assert.Equal(0, logs.TableFullPrinted);
        Assert.Equal("Mar 14 22:31:15", logs.FirstAllocFailure.ToString());
        Assert.True(d.Memory.Pressure);
        Assert.Contains(d.Evidence, e => e.Contains("unreclaimable kernel slab", StringComparison.Ordinal));
        Assert.Contains(d.Evidence, e => e.Contains("8 conntrack allocation failures", StringComparison.Ordinal));
        // Two per-netns caches of 312-byte objects, 26 per 2-page slab.
        Assert.Equal(2, d.Host.Slab!.ConntrackCaches.Count);
        Assert.Equal(61L * 8192, d.Memory.ObservedBytes);
        Assert.Equal("dont_raise_memory", d.Recommendations[0].Kind);
        Assert.Equal("free_memory", d.Recommendations[1].Kind);
        Assert.DoesNotContain(d.Recommendations, r => r.Kind == "raise_max");
        Assert.Contains(d.Recommendations, r => r.Kind == "shorten_timeout" && r.Settings.ContainsKey("nf_conntrack_tcp_timeout_time_wait"));
        Assert.Contains("vm.min_free_kbytes = ", d.SysctlFile!.Content, StringComparison.Ordinal);
    }

    [Fact]
    public void Garbage_everywhere_is_reported_file_by_file_and_never_crashes()
    {
        var d = Support.Doctor("garbage");
        var issues = d.Host.Issues;
        Assert.Equal(4, issues.CountFor("/proc/sys/net/netfilter/nf_conntrack_max") + issues.CountFor("/proc/sys/net/netfilter/nf_conntrack_count")
            + issues.CountFor("/proc/sys/net/netfilter/nf_conntrack_buckets") + issues.CountFor("/proc/sys/net/netfilter/nf_conntrack_tcp_timeout_established"));
        Assert.Equal(9, issues.CountFor("/proc/net/nf_conntrack"));   // 7 broken lines, 2 binary ones
        Assert.Equal(2, d.Host.Table!.Summary.Entries);
        Assert.Equal(2, issues.CountFor("/proc/net/stat/nf_conntrack"));
        Assert.Equal(3, d.Host.Counters!.Get("drop"));
        Assert.Equal(2, issues.CountFor("/proc/slabinfo"));
        Assert.Equal(2, issues.CountFor("/proc/meminfo"));
        Assert.Equal(6, issues.CountFor("/var/log/kern.log"));
        Assert.Equal(1, issues.CountFor("dmesg.txt"));
        Assert.Contains(issues.Kept, i => i.File == "/proc/net/nf_conntrack" && i.Line == 8 && i.Expected.Contains("16 KiB", StringComparison.Ordinal));
        // No max could be read: drops are reported with that caveat.
        Assert.Null(d.Usage.Max);
        Assert.Equal(Verdict.DroppingFull, d.Verdict);
        Assert.Contains(d.Evidence, e => e.Contains("could not be read", StringComparison.Ordinal));
        var json = Json(d);
        Assert.Equal(issues.Total, json.GetProperty("issues").GetProperty("total").GetInt64());
    }

    [Fact]
    public void Json_carries_the_keys_the_issue_names()
    {
        var json = Json(Support.Doctor("full-table"));
        Assert.Equal("dropping_full", json.GetProperty("verdict").GetString());
        Assert.Equal(1862, json.GetProperty("count").GetInt64());
        Assert.Equal(1862, json.GetProperty("max").GetInt64());
        Assert.Equal(2048, json.GetProperty("buckets").GetInt64());
        Assert.Equal(22, json.GetProperty("table_full_events").GetInt64());
        Assert.Equal(3415, json.GetProperty("suppressed").GetInt64());
        Assert.Equal((117L * 4096) + (2048L * 8), json.GetProperty("memory_bytes_now").GetInt64());
        Assert.Equal((117L * 4096) + (2048L * 8), json.GetProperty("memory_bytes_at_max").GetInt64());
        var recs = json.GetProperty("recommendations");
        Assert.Equal(JsonValueKind.Array, recs.ValueKind);
        foreach (var r in recs.EnumerateArray())
        {
            foreach (string key in new[] { "kind", "title", "reason", "cost", "commands", "settings" })
                Assert.True(r.TryGetProperty(key, out _), $"recommendation lacks {key}");
        }
        Assert.Equal(6703, json.GetProperty("stats").GetProperty("drop").GetInt64());
        Assert.Equal(1100, json.GetProperty("table").GetProperty("by_state").GetProperty("tcp ESTABLISHED").GetInt64());
    }

    [Fact]
    public void A_conntrack_L_table_and_conntrack_S_counters_can_be_given_as_files()
    {
        using var dir = new TempDir();
        string table = dir.File("conntrack-L.txt",
            "tcp      6 431999 ESTABLISHED src=10.0.0.1 dst=10.0.0.2 sport=1 dport=443 src=10.0.0.2 dst=10.0.0.1 sport=443 dport=1 [ASSURED] mark=0 use=1\n" +
            "udp      17 29 src=10.0.0.1 dst=10.0.0.53 sport=2 dport=53 [UNREPLIED] src=10.0.0.53 dst=10.0.0.1 sport=53 dport=2 mark=0 use=1\n" +
            "conntrack v1.4.7 (conntrack-tools): 2 flow entries have been shown.\n");
        string stats = dir.File("conntrack-S.txt", "cpu=0   \tfound=0 invalid=1 insert=0 insert_failed=4 drop=4 early_drop=0 error=0 search_restart=0 clash_resolve=9 chaintoolong=0 \n");
        var d = Support.Doctor("modern-healthy", o => new HostReadOptions { Root = o.Root, TablePath = table, StatsPath = stats });
        Assert.Equal(2, d.Host.Table!.Summary.Entries);
        Assert.Equal(2, d.Host.Table.ShownByConntrack);
        Assert.Equal("conntrack -L (or /proc/net/ip_conntrack)", d.Host.Table.Format);
        Assert.Equal("conntrack -S", d.Host.Counters!.Format);
        Assert.Equal(Verdict.InsertRaces, d.Verdict);
        Assert.Contains(d.Recommendations, r => r.Kind == "insert_races");
    }

    [Fact]
    public void Notrack_is_proposed_for_stateless_udp_that_fills_the_table()
    {
        using var dir = new TempDir();
        dir.File("proc/sys/net/netfilter/nf_conntrack_max", "1000\n");
        dir.File("proc/sys/net/netfilter/nf_conntrack_count", "1000\n");
        dir.File("proc/sys/net/netfilter/nf_conntrack_buckets", "1024\n");
        var lines = new System.Text.StringBuilder();
        for (int i = 0; i < 1000; i++)
        {
            bool vxlan = i < 700;
            int dport = vxlan ? 4789 : 443;
            lines.Append(System.Globalization.CultureInfo.InvariantCulture, $"ipv4     2 udp      17 {1 + (i % 29)} src=10.0.{i / 250}.{i % 250} dst=10.9.0.1 sport={20000 + i} dport={dport} [UNREPLIED] src=10.9.0.1 dst=10.0.{i / 250}.{i % 250} sport={dport} dport={20000 + i} mark=0 zone=0 use=2\n");
        }
        dir.File("proc/net/nf_conntrack", lines.ToString());
        dir.File("var/log/syslog", "Jan  1 00:00:00 h kernel: nf_conntrack: nf_conntrack: table full, dropping packet\n");
        var d = DoctorAnalyzer.Analyze(HostReader.Read(new HostReadOptions { Root = dir.Path }));
        Assert.Equal(Verdict.DroppingFull, d.Verdict);
        var notrack = Rec(d, "notrack");
        Assert.Contains("udp/4789", notrack.Title, StringComparison.Ordinal);
        Assert.Contains("nft add rule inet raw prerouting udp dport 4789 notrack", notrack.Commands);
        Assert.Contains(d.Recommendations, r => r.Kind == "disable_conntrack");
    }

    [Fact]
    public void Half_open_floods_are_not_given_more_room()
    {
        using var dir = new TempDir();
        dir.File("proc/sys/net/netfilter/nf_conntrack_max", "512\n");
        dir.File("proc/sys/net/netfilter/nf_conntrack_count", "512\n");
        dir.File("proc/sys/net/netfilter/nf_conntrack_buckets", "512\n");
        var lines = new System.Text.StringBuilder();
        for (int i = 0; i < 512; i++)
            lines.Append(System.Globalization.CultureInfo.InvariantCulture, $"ipv4     2 tcp      6 {1 + (i % 119)} SYN_SENT src=198.51.100.{i % 200} dst=192.0.2.1 sport={1024 + i} dport=80 [UNREPLIED] src=192.0.2.1 dst=198.51.100.{i % 200} sport=80 dport={1024 + i} mark=0 zone=0 use=2\n");
        dir.File("proc/net/nf_conntrack", lines.ToString());
        dir.File("proc/net/stat/nf_conntrack", "entries  clashres found new invalid ignore delete chainlength insert insert_failed drop early_drop icmp_error  expect_new expect_create expect_delete search_restart\n00000200  00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000100 00000000 00000000  00000000 00000000 00000000 00000000\n");
        var d = DoctorAnalyzer.Analyze(HostReader.Read(new HostReadOptions { Root = dir.Path }));
        Assert.Equal(Verdict.DroppingFull, d.Verdict);
        Assert.Contains(d.Recommendations, r => r.Kind == "dont_raise_half_open");
        Assert.DoesNotContain(d.Recommendations, r => r.Kind == "raise_max");
        Assert.Contains(d.Recommendations, r => r.Kind == "shorten_timeout" && r.Settings.ContainsKey("nf_conntrack_tcp_timeout_syn_sent"));
    }

    [Fact]
    public void Log_lines_of_other_namespaces_are_kept_apart()
    {
        using var dir = new TempDir();
        dir.File("proc/sys/net/netfilter/nf_conntrack_max", "262144\n");
        dir.File("proc/sys/net/netfilter/nf_conntrack_count", "10\n");
        dir.File("dmesg.txt", "[ 10.0] nf_conntrack: nf_conntrack: table full in netns 4026532246, dropping packet\n[ 10.5] nf_conntrack: nf_conntrack: table full in netns 4026532246, dropping packet\n");
        var d = DoctorAnalyzer.Analyze(HostReader.Read(new HostReadOptions { Root = dir.Path }));
        Assert.Equal(Verdict.Healthy, d.Verdict);
        Assert.Equal(0, d.Host.Logs.TableFullPrinted);
        Assert.Equal(2, d.Host.Logs.OtherNetnsPrinted);
        Assert.Contains(d.Notes, n => n.Contains("netns 4026532246", StringComparison.Ordinal));
    }

    [Fact]
    public void A_missing_root_is_an_error_and_missing_files_are_not()
    {
        Assert.Throws<DirectoryNotFoundException>(() => HostReader.Read(new HostReadOptions { Root = "/nonexistent/ctnet" }));
        Assert.Throws<FileNotFoundException>(() => HostReader.Read(new HostReadOptions { Root = Support.Fixture("modern-healthy"), TablePath = "/nonexistent/table" }));
        using var dir = new TempDir();
        var d = DoctorAnalyzer.Analyze(HostReader.Read(new HostReadOptions { Root = dir.Path }));
        Assert.Equal(Verdict.Healthy, d.Verdict);
        Assert.Null(d.Usage.Count);
        Assert.Contains(d.Host.Inputs, i => i.Role == "settings" && i.Status == InputStatus.Missing);
        Assert.Contains(d.Host.Inputs, i => i.Role == "kernel log" && i.Status == InputStatus.Missing);
        Assert.Equal(LogTime.None, d.Host.Logs.First);
    }
}
