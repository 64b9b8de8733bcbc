using Conntrack.Settings;

namespace Conntrack.Core.Tests;

public sealed class SettingsTests
{
    private const string ProcDir = "/proc/sys/net/netfilter";

    public static TheoryData<string> ModelledNames()
    {
        var data = new TheoryData<string>();
        foreach (var d in ConntrackSettings.All)
            data.Add(d.Name);
        return data;
    }

    // Reference §8.7: the engine's defaults are a 6.18 kernel's live defaults. This machine runs
    // such a kernel with untouched sysctls, so every modelled file must read back the default.
    [Theory]
    [MemberData(nameof(ModelledNames))]
    public void Default_equals_this_machines_proc_value(string name)
    {
        string file = Path.Combine(ProcDir, name);
        if (!File.Exists(file))
            return; // not present on this kernel (e.g. module not loaded)
        // §2.1: the table size (and what derives from it) depends on RAM; the defaults are a > 4 GiB host's.
        if (name is "nf_conntrack_max" or "nf_conntrack_buckets" or "nf_conntrack_expect_max" && !MoreThan4GiB())
            return;
        long live = long.Parse(File.ReadAllText(file).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(live, new ConntrackSettings().Get(name));
    }

    private static bool MoreThan4GiB()
    {
        const string meminfo = "/proc/meminfo";
        if (!File.Exists(meminfo))
            return false;
        string? line = File.ReadLines(meminfo).FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        if (line is null)
            return false;
        long kib = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
        return kib * 1024 > 4L << 30;
    }

    // Reference §8.7 table, independently of the machine.
    [Theory]
    [InlineData("nf_conntrack_max", 262144)]
    [InlineData("nf_conntrack_buckets", 262144)]
    [InlineData("nf_conntrack_expect_max", 4096)]
    [InlineData("nf_conntrack_checksum", 1)]
    [InlineData("nf_conntrack_events", 2)]
    [InlineData("nf_conntrack_acct", 0)]
    [InlineData("nf_conntrack_generic_timeout", 600)]
    [InlineData("nf_conntrack_tcp_timeout_syn_sent", 120)]
    [InlineData("nf_conntrack_tcp_timeout_syn_recv", 60)]
    [InlineData("nf_conntrack_tcp_timeout_established", 432000)]
    [InlineData("nf_conntrack_tcp_timeout_fin_wait", 120)]
    [InlineData("nf_conntrack_tcp_timeout_close_wait", 60)]
    [InlineData("nf_conntrack_tcp_timeout_last_ack", 30)]
    [InlineData("nf_conntrack_tcp_timeout_time_wait", 120)]
    [InlineData("nf_conntrack_tcp_timeout_close", 10)]
    [InlineData("nf_conntrack_tcp_timeout_max_retrans", 300)]
    [InlineData("nf_conntrack_tcp_timeout_unacknowledged", 300)]
    [InlineData("nf_conntrack_tcp_loose", 1)]
    [InlineData("nf_conntrack_tcp_max_retrans", 3)]
    [InlineData("nf_conntrack_udp_timeout", 30)]
    [InlineData("nf_conntrack_udp_timeout_stream", 120)]
    [InlineData("nf_conntrack_icmp_timeout", 30)]
    [InlineData("nf_conntrack_icmpv6_timeout", 30)]
    [InlineData("nf_conntrack_gre_timeout", 30)]
    [InlineData("nf_conntrack_gre_timeout_stream", 180)]
    [InlineData("nf_conntrack_sctp_timeout_established", 210)]
    public void Default_matches_reference_table(string name, long expected) =>
        Assert.Equal(expected, new ConntrackSettings().Get(name));

    [Fact]
    public void Sysctl_text_skips_comments_blanks_and_foreign_keys_and_maps_old_names()
    {
        var s = new ConntrackSettings();
        const string text = """
            # a comment
            ; another comment

               net.ipv4.ip_forward = 1
            kernel.panic=10
            net.netfilter.nf_conntrack_tcp_timeout_established = 7200
            -net.netfilter.nf_conntrack_udp_timeout = 40
            net.ipv4.netfilter.ip_conntrack_tcp_timeout_close_wait = 20
            net.nf_conntrack_max = 1000
            net/netfilter/nf_conntrack_icmp_timeout=15
            net.netfilter.nf_conntrack_acct=1
            """;
        SettingsLoader.ApplySysctlText(s, text, "test.conf");
        Assert.Equal(7200, s.Get("nf_conntrack_tcp_timeout_established"));
        Assert.Equal(40, s.Get("nf_conntrack_udp_timeout"));
        Assert.Equal(20, s.Get("nf_conntrack_tcp_timeout_close_wait"));
        Assert.Equal(1000, s.Max);
        Assert.Equal(15, s.Get("nf_conntrack_icmp_timeout"));
        Assert.True(s.Accounting);
        // Everything else is untouched.
        Assert.Equal(6, s.Changed().Count());
    }

    // 2.6-era /proc/sys/net/ipv4/netfilter/ip_conntrack_max is the same limit.
    [Theory]
    [InlineData("net.ipv4.netfilter.ip_conntrack_max = 65536")]
    [InlineData("net.nf_conntrack_max = 65536")]
    [InlineData("net.netfilter.nf_conntrack_max=65536")]
    [InlineData("  net.netfilter.nf_conntrack_max\t=\t65536  ")]
    public void Every_spelling_of_max_sets_nf_conntrack_max(string line)
    {
        var s = new ConntrackSettings();
        SettingsLoader.ApplySysctlText(s, line, "x.conf");
        Assert.Equal(65536, s.Max);
    }

    [Theory]
    [InlineData("net.netfilter.nf_conntrack_bogus = 1", "unknown")]
    [InlineData("net.netfilter.nf_conntrack_max = lots", "not an integer")]
    [InlineData("net.netfilter.nf_conntrack_max = 1.5", "not an integer")]
    [InlineData("net.netfilter.nf_conntrack_checksum = 2", "out of range")]
    [InlineData("net.netfilter.nf_conntrack_max = -1", "out of range")]
    [InlineData("net.netfilter.nf_conntrack_count = 5", "read-only")]
    [InlineData("net.netfilter.nf_conntrack_max 5", "expected")]
    public void Sysctl_errors_name_the_source_and_line(string badLine, string reason)
    {
        var s = new ConntrackSettings();
        string text = "# header\n\nnet.netfilter.nf_conntrack_acct = 1\n" + badLine + "\n";
        var e = Assert.Throws<SettingsException>(() => SettingsLoader.ApplySysctlText(s, text, "/etc/sysctl.d/90-ct.conf"));
        Assert.StartsWith("/etc/sysctl.d/90-ct.conf:4: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("nf_conntrack_max=5000", "nf_conntrack_max", 5000)]
    [InlineData("max=5000", "nf_conntrack_max", 5000)]
    [InlineData("net.netfilter.nf_conntrack_max=5000", "nf_conntrack_max", 5000)]
    [InlineData("tcp_timeout_established=3600", "nf_conntrack_tcp_timeout_established", 3600)]
    [InlineData("nf_conntrack_tcp_loose=0", "nf_conntrack_tcp_loose", 0)]
    [InlineData("udp_timeout = 45", "nf_conntrack_udp_timeout", 45)]
    public void Overrides_accept_long_and_short_names(string assignment, string name, long value)
    {
        var s = new ConntrackSettings();
        SettingsLoader.ApplyOverride(s, assignment);
        Assert.Equal(value, s.Get(name));
    }

    [Theory]
    [InlineData("nonsense=1", "unknown")]
    [InlineData("max=abc", "not an integer")]
    [InlineData("tcp_loose=7", "out of range")]
    [InlineData("nf_conntrack_count=1", "read-only")]
    [InlineData("max", "NAME=VALUE")]
    [InlineData("=5", "NAME=VALUE")]
    public void Override_errors_name_the_assignment(string assignment, string reason)
    {
        var e = Assert.Throws<SettingsException>(() => SettingsLoader.ApplyOverride(new ConntrackSettings(), assignment));
        Assert.Contains($"'{assignment}'", e.Message, StringComparison.Ordinal);
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    // Reference §2.1: nf_ct_alloc_hashtable rounds the bucket count up to a multiple of PAGE_SIZE/8 = 512.
    [Theory]
    [InlineData(1, 512)]
    [InlineData(511, 512)]
    [InlineData(512, 512)]
    [InlineData(513, 1024)]
    [InlineData(1000, 1024)]
    [InlineData(16384, 16384)]
    [InlineData(262144, 262144)]
    [InlineData(262145, 262656)]
    public void EffectiveBuckets_rounds_up_to_512(long buckets, int expected)
    {
        var s = new ConntrackSettings { Buckets = buckets };
        Assert.Equal(expected, s.EffectiveBuckets);
        Assert.Equal(expected, new Conntrack.Table.ConntrackTable(s, seed: 1).BucketCount);
    }

    [Fact]
    public void Clone_is_independent()
    {
        var a = new ConntrackSettings { Max = 10 };
        var b = a.Clone();
        b.Max = 20;
        Assert.Equal(10, a.Max);
        Assert.Equal(20, b.Max);
    }

    [Fact]
    public void ToSysctlText_round_trips_changed_values()
    {
        var a = new ConntrackSettings { Max = 4096 };
        a.Set("nf_conntrack_udp_timeout", 45);
        string text = SettingsLoader.ToSysctlText(a);
        Assert.Equal("net.netfilter.nf_conntrack_max = 4096\nnet.netfilter.nf_conntrack_udp_timeout = 45\n", text);
        var b = new ConntrackSettings();
        SettingsLoader.ApplySysctlText(b, text, "round-trip");
        Assert.Equal(a.Changed(), b.Changed());
    }
}
