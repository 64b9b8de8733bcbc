using System.Text.RegularExpressions;

namespace Conntrack.Cli.Tests;

/// <summary>The replay's human report as a user reads it from a pipe.</summary>
public class ReplayTextReportTests
{
    private static string[] Lines(CtnetProcess.Result run)
    {
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.Stderr}");
        return run.Stdout.Split('\n');
    }

    [Fact]
    public void Demo_report_names_its_source_once_and_counts_what_its_memory_figures_hold()
    {
        var lines = Lines(CtnetProcess.Run("demo"));
        Assert.StartsWith("── ctnet replay demo scenario, seed 1 · pcap ──", lines[0], StringComparison.Ordinal);
        // Grids are not padded out to the console width.
        Assert.DoesNotContain(lines, l => l.EndsWith(' '));
        // 2,048 entries × 120 B + 2,048 heads × 4 B = 245,760 + 8,192 B = 248 KiB.
        Assert.Contains("Engine memory  248 KiB at the peak = 2,048 entries × 120 B + 2,048 bucket heads × 4 B", lines);
        Assert.Contains(lines, l => l.StartsWith("Kernel memory  528 KiB at the peak: 128 slabs of linux-6.18-x86_64 entries + 2,048 buckets, 528 KiB", StringComparison.Ordinal));
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^Peak           2,048 entries at \+\d+\.\d{3} s, 2026-11-01T12:00:\d\d\.\d{6}Z, 100\.0 % of max$"));
        Assert.Contains("Capture span   2026-11-01T12:00:00.000000Z → 2026-11-01T12:00:59.998722Z (59.999 s)", lines);
        Assert.Contains("Which timeout keeps the table full (share of entry-seconds)", lines);
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^  found and insert are 0 as on 6\.x kernels: found counts only NAT clash checks, insert only entries$"));
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^  added through ctnetlink \(conntrack -I\), not the \d,\d{3} created by packets$"));
        Assert.DoesNotContain(lines, l => l.Contains("((", StringComparison.Ordinal) || l.Contains(") (", StringComparison.Ordinal));
    }

    [Fact]
    public void A_table_far_from_full_is_described_not_said_to_be_kept_full()
    {
        var lines = Lines(CtnetProcess.Run("replay", Path.Combine(CtnetProcess.SharedCaptures, "ndpi_http_ipv6.pcap")));
        Assert.Contains("What the table holds (share of entry-seconds)", lines);
        Assert.DoesNotContain("Which timeout keeps the table full (share of entry-seconds)", lines);
        Assert.Contains(lines, l => l.StartsWith("Kernel memory  2 MiB at the peak: 1 slab of linux-6.18-x86_64 entries + 262,144 buckets,", StringComparison.Ordinal));
    }

    [Fact]
    public void Demo_takes_the_replay_options_dump_and_threads()
    {
        var run = CtnetProcess.Run("demo", "--dump", "proc", "--threads", "2");
        var lines = Lines(run).Where(l => l.Length > 0).ToList();
        // The final table on stdout, one /proc/net/nf_conntrack line per entry; the summary on stderr.
        Assert.Equal(2048, lines.Count);
        // Mostly TCP, but which DNS or ping entries survive early drop depends on the table's random hash key.
        Assert.All(lines, l => Assert.Matches(@"^ipv4     2 (tcp      6 \d+ [A-Z_]+|udp      17 \d+|icmp     1 \d+) src=", l));
        Assert.Contains(lines, l => l.StartsWith("ipv4     2 tcp", StringComparison.Ordinal));
        Assert.StartsWith("── ctnet replay demo scenario, seed 1 · pcap ──", run.Stderr, StringComparison.Ordinal);

        var bad = CtnetProcess.Run("demo", "--threads", "0");
        Assert.Equal(2, bad.ExitCode);
        Assert.Equal("ctnet: --threads '0': expected a whole number from 1 to 64", bad.Stderr.Trim());
    }
}
