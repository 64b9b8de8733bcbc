using System.Globalization;

namespace Conntrack.Cli.Tests;

public class PlanProjectionTests
{
    [Fact]
    public void A_capture_that_ends_before_the_table_fills_is_sized_for_its_projection()
    {
        // 30 s of a NAT gateway: TIME_WAIT (120 s), UDP streams (120 s) and the collector's 60 s
        // sweeps all outlast the capture, and the SSH sessions that go idle never close.
        string path = Path.Combine(Path.GetTempPath(), $"ctnet-plan-{Guid.NewGuid():N}.pcap");
        try
        {
            Assert.Equal(0, CtnetProcess.Run("gen", "nat", "--out", path, "--rate", "40", "--duration", "30s", "--seed", "2").ExitCode);
            var plan = CtnetProcess.Run("plan", path);
            Assert.Equal(0, plan.ExitCode);
            var lines = plan.Stdout.Split('\n').Select(l => l.TrimEnd()).ToList();
            int from = lines.FindIndex(l => l.StartsWith("Observed", StringComparison.Ordinal));
            Assert.Equal(
            [
                "Observed       1,178 entries at the capture's peak in 29.9 s (no limit)",
                "Smallest safe  nf_conntrack_max = 1,178 drops nothing (early drop may evict unassured entries)",
                "Steady state   not reached: tcp TIME_WAIT entries are held 123 s (lifetime + timeout) and reaped",
                "               within 60 s, udp stream (ASSURED) entries are held 131 s (lifetime + timeout) and",
                "               reaped within 60 s, udp (unreplied or young) entries are held 30 s (lifetime +",
                "               timeout) and reaped within 60 s, the capture lasted 29.9 s",
                "Projected      6,412 ± 265 entries at the steady-state peak (arrivals/s × holding time per class):",
                "                 tcp TIME_WAIT: 24.4/s × 123 s = 3,006 (650 at the end)",
                "                 udp stream (ASSURED): 4.11/s × 131 s = 541 (113 at the end)",
                "                 udp (unreplied or young): 9.7/s × 30 s = 291 (305 at the end)",
                "                 expired, not yet reaped: +2,290 (the collector sweeps every 60 s)",
                "                 fluctuation: +235 (3 × √mean)",
                "                 established, never closed in the capture: 49 held at the end, +1.65/s: the capture",
                "               cannot bound them. Idle connections that are never closed stay until",
                "               nf_conntrack_tcp_timeout_established (432,000 s) after their last packet: 714,418",
                "               entries at this rate; sized as held (--horizon sizes for an uptime)",
                "Recommended    nf_conntrack_max = 7,695 (+20 % on the projected 6,412: the capture ended before the",
                "               table filled), nf_conntrack_buckets = 8,192",
            ], lines.Skip(from).Take(18));
            int current = lines.FindIndex(l => l.StartsWith("Current", StringComparison.Ordinal));
            Assert.Equal(
            [
                "Current        nf_conntrack_max = 262,144, buckets = 262,144 (model default, not this host's:",
                "               --from-host reads them)",
            ], lines.Skip(current).Take(2));

            // With an uptime, the sessions that never close keep arriving until then.
            var day = CtnetProcess.Run("plan", path, "--horizon", "1h");
            Assert.Equal(0, day.ExitCode);
            Assert.Contains("12,316 ± 1,925 entries at the peak after 3,600 s of uptime", day.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void From_host_reads_this_hosts_settings()
    {
        string capture = Path.Combine(CtnetProcess.SharedCaptures, "zeek_tcp_syn-synack.pcap");
        var plan = CtnetProcess.Run("plan", capture, "--from-host");
        Assert.Equal(0, plan.ExitCode);
        long max = long.Parse(File.ReadAllText("/proc/sys/net/netfilter/nf_conntrack_max").Trim(), CultureInfo.InvariantCulture);
        string text = string.Join(' ', plan.Stdout.Split('\n').Select(l => l.Trim()));
        Assert.Contains($"nf_conntrack_max = {max.ToString("N0", CultureInfo.InvariantCulture)}, buckets = ", text, StringComparison.Ordinal);
        Assert.Contains("(from this host's /proc/sys/net/netfilter)", text, StringComparison.Ordinal);

        var both = CtnetProcess.Run("plan", capture, "--from-host", "--proc-sys", "/proc/sys/net/netfilter");
        Assert.Equal(2, both.ExitCode);
        Assert.Equal("ctnet: --from-host and --proc-sys both name where the settings come from: give one", both.Stderr.TrimEnd());
    }
}
