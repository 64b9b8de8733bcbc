using System.Text.Json;

namespace Conntrack.Cli.Tests;

public class ReplayCommandTests
{
    private static string Capture(string name) => Path.Combine(CtnetProcess.SharedCaptures, name);

    [Fact]
    public void Json_summary_of_a_synscan_counts_half_open_connections()
    {
        var run = CtnetProcess.Run("replay", Capture("ndpi_synscan.pcap"), "--json");
        Assert.Equal(0, run.ExitCode);
        using var doc = JsonDocument.Parse(run.Stdout);
        var root = doc.RootElement;
        long packets = root.GetProperty("packets").GetInt64();
        Assert.True(packets > 1000, $"expected a scan of >1000 packets, got {packets}");
        // A SYN scan leaves mostly unanswered SYN_SENT entries, never more entries than packets.
        long final = root.GetProperty("final_entries").GetInt64();
        long peak = root.GetProperty("peak_entries").GetInt64();
        Assert.InRange(final, 1, peak);
        Assert.True(root.GetProperty("final_by_state").GetProperty("tcp SYN_SENT").GetInt64() > final / 2);
        var stats = root.GetProperty("stats");
        foreach (var name in new[] { "found", "invalid", "insert", "insert_failed", "drop", "early_drop", "error", "search_restart", "clash_resolve", "chaintoolong" })
            Assert.True(stats.TryGetProperty(name, out _), $"stats lacks the kernel counter '{name}'");
        Assert.Equal(0, stats.GetProperty("drop").GetInt64());
    }

    [Fact]
    public void Settings_change_the_outcome_a_small_table_drops_the_scan()
    {
        var run = CtnetProcess.Run("replay", Capture("ndpi_synscan.pcap"), "--json", "--set", "nf_conntrack_max=100", "--set", "buckets=512");
        Assert.Equal(0, run.ExitCode);
        using var doc = JsonDocument.Parse(run.Stdout);
        var root = doc.RootElement;
        Assert.Equal(100, root.GetProperty("peak_entries").GetInt64());
        var stats = root.GetProperty("stats");
        // Unanswered SYNs are never ASSURED, so early drop must have evicted some of them.
        Assert.True(stats.GetProperty("early_drop").GetInt64() > 0);
        Assert.Equal(100, root.GetProperty("table").GetProperty("nf_conntrack_max").GetInt64());
        Assert.Equal(100, root.GetProperty("settings_changed").GetProperty("nf_conntrack_max").GetInt64());
    }

    [Fact]
    public void Dump_proc_prints_only_kernel_format_lines_on_stdout()
    {
        var run = CtnetProcess.Run("replay", Capture("ndpi_http_ipv6.pcap"), "--dump", "proc", "--set", "nf_conntrack_checksum=0");
        Assert.Equal(0, run.ExitCode);
        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(lines);
        foreach (var line in lines)
            Assert.Matches(ProcLineGrammar.Line(), line);
        Assert.Contains(lines, l => l.StartsWith("ipv6     10 tcp      6 ", StringComparison.Ordinal) && l.Contains("[ASSURED]", StringComparison.Ordinal));
        // The summary moved to stderr.
        Assert.Contains("ctnet replay", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Dump_conntrack_compresses_ipv6_and_omits_the_l3_prefix()
    {
        var run = CtnetProcess.Run("replay", Capture("ndpi_http_ipv6.pcap"), "--dump", "conntrack", "--set", "checksum=0");
        Assert.Equal(0, run.ExitCode);
        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(lines);
        Assert.All(lines, l => Assert.False(l.StartsWith("ipv", StringComparison.Ordinal)));
        Assert.All(lines, l => Assert.EndsWith("use=1", l, StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("::", StringComparison.Ordinal));
    }

    [Fact]
    public void The_kernel_grammar_accepts_real_kernel_lines()
    {
        // Lines read from a 6.18 kernel's /proc/net/nf_conntrack (reference §8.1): the grammar must accept them,
        // or the dump test above would prove nothing.
        string[] kernel =
        [
            "ipv4     2 tcp      6 118 TIME_WAIT src=127.0.0.1 dst=127.0.0.1 sport=39138 dport=8080 src=127.0.0.1 dst=127.0.0.1 sport=8080 dport=39138 [ASSURED] mark=0 zone=0 use=2",
            "ipv4     2 udp      17 28 src=127.0.0.1 dst=127.0.0.1 sport=47330 dport=9999 [UNREPLIED] src=127.0.0.1 dst=127.0.0.1 sport=9999 dport=47330 mark=0 zone=0 use=2",
            "ipv4     2 unknown  253 599 src=10.99.1.2 dst=10.99.2.2 [UNREPLIED] src=10.99.2.2 dst=10.99.1.2 mark=0 zone=0 use=2",
            "ipv4     2 gre      47 29 timeout=30, stream_timeout=180 src=10.99.1.2 dst=10.99.2.2 srckey=0x0 dstkey=0x0 [UNREPLIED] src=10.99.2.2 dst=10.99.1.2 srckey=0x0 dstkey=0x0 mark=0 zone=0 use=2",
        ];
        foreach (var line in kernel)
            Assert.Matches(ProcLineGrammar.Line(), line);
        Assert.DoesNotMatch(ProcLineGrammar.Line(), "tcp      6 118 TIME_WAIT src=127.0.0.1 dst=127.0.0.1 sport=1 dport=2 src=127.0.0.1 dst=127.0.0.1 sport=2 dport=1 [ASSURED] mark=0 use=1");
    }

    [Fact]
    public void Not_a_capture_is_a_one_line_error_with_exit_code_2()
    {
        string path = Path.Combine(Path.GetTempPath(), $"ctnet-notes-{Guid.NewGuid():N}.txt");
        File.WriteAllText(path, "Hello, this is not a capture file at all.\n");
        try
        {
            var run = CtnetProcess.Run("replay", path);
            Assert.Equal(2, run.ExitCode);
            var errorLines = run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Single(errorLines);
            Assert.Contains(Path.GetFileName(path), errorLines[0], StringComparison.Ordinal);
            Assert.Empty(run.Stdout);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Missing_file_and_bad_setting_are_errors_with_exit_code_2()
    {
        var missing = CtnetProcess.Run("replay", "/nonexistent/capture.pcap");
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("capture.pcap", missing.Stderr, StringComparison.Ordinal);

        var bad = CtnetProcess.Run("replay", Capture("zeek_tcp_syn-synack.pcap"), "--set", "nf_conntrack_maxx=5");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("nf_conntrack_maxx", bad.Stderr, StringComparison.Ordinal);

        var range = CtnetProcess.Run("replay", Capture("zeek_tcp_syn-synack.pcap"), "--set", "nf_conntrack_tcp_loose=7");
        Assert.Equal(2, range.ExitCode);
        Assert.Contains("out of range", range.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_threads_replay_the_same_capture_and_bad_counts_are_refused()
    {
        // Each process draws its own hash key, so only what does not depend on it is compared
        // (the identity of results for one key is tested in Conntrack.Analysis.Tests).
        string[] args = ["replay", Capture("ndpi_synscan.pcap"), "--json", "--set", "nf_conntrack_max=100", "--set", "buckets=512"];
        var one = CtnetProcess.Run([.. args, "--threads", "1"]);
        var two = CtnetProcess.Run([.. args, "--threads", "2"]);
        Assert.Equal(0, two.ExitCode);
        using var a = JsonDocument.Parse(one.Stdout);
        using var b = JsonDocument.Parse(two.Stdout);
        foreach (var key in new[] { "packets", "peak_entries" })
            Assert.Equal(a.RootElement.GetProperty(key).GetInt64(), b.RootElement.GetProperty(key).GetInt64());
        Assert.Equal(100, b.RootElement.GetProperty("peak_entries").GetInt64());

        var zero = CtnetProcess.Run("replay", Capture("ndpi_synscan.pcap"), "--threads", "0");
        Assert.Equal(2, zero.ExitCode); // bad input, as for any option value the parser refuses
        Assert.Contains("--threads", zero.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Sysctl_file_errors_name_the_line()
    {
        string path = Path.Combine(Path.GetTempPath(), $"ctnet-sysctl-{Guid.NewGuid():N}.conf");
        File.WriteAllText(path, "# tuned by ops\nnet.ipv4.ip_forward = 1\nnet.netfilter.nf_conntrack_max = lots\n");
        try
        {
            var run = CtnetProcess.Run("replay", Capture("zeek_tcp_syn-synack.pcap"), "--sysctl", path);
            Assert.Equal(2, run.ExitCode);
            Assert.Contains($"{path}:3:", run.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("suricata_decode-sll2-01_input.pcap")]
    [InlineData("zeek_tcp_retransmit-timeout.pcapng")]
    [InlineData("suricata_defrag-eth-vlan-ipv6-tcp_frag-eth-vlan-ipv6-tcp.pcap")]
    public void Captures_in_other_link_types_and_formats_are_tracked(string name)
    {
        var run = CtnetProcess.Run("replay", Capture(name), "--json", "--set", "checksum=0");
        Assert.Equal(0, run.ExitCode);
        using var doc = JsonDocument.Parse(run.Stdout);
        var root = doc.RootElement;
        Assert.True(root.GetProperty("packets").GetInt64() > 0, "no packet reached the tracker");
        Assert.Equal(0, root.GetProperty("skipped").GetProperty("capture_issues").GetInt64());
    }
}
