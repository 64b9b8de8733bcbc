using Conntrack.KernelParity.Tests.Comparison;

namespace Conntrack.KernelParity.Tests.Harness;

/// <summary>The comparison must catch every kind of disagreement and print both lines for it.</summary>
public sealed class ParityComparerTests
{
    private const string Established = "ipv4     2 tcp      6 431999 ESTABLISHED src=10.201.0.1 dst=10.201.0.2 sport=40000 dport=80 src=10.201.0.2 dst=10.201.0.1 sport=80 dport=40000 [ASSURED] mark=0 zone=0 use=2";
    private const string Udp = "ipv4     2 udp      17 29 src=10.201.0.1 dst=10.201.0.2 sport=40001 dport=53 [UNREPLIED] src=10.201.0.2 dst=10.201.0.1 sport=53 dport=40001 mark=0 zone=0 use=2";
    private static readonly ConntrackCounters Zero = new(0, 0, 0);

    [Fact]
    public void Identical_tables_within_the_timeout_tolerance_are_parity()
    {
        string later = Established.Replace(" 431999 ", " 431997 ", StringComparison.Ordinal);
        var report = ParityComparer.Compare("s", [Established, Udp], [Udp, later], Zero, Zero);
        Assert.True(report.IsParity, report.Describe());
        Assert.Equal("parity s: entries 2/2 equal, counters equal (kernel invalid=0 error=0 drop=0; engine invalid=0 error=0 drop=0)", report.Figure);
    }

    [Fact]
    public void Every_difference_is_named_with_both_lines()
    {
        string engine = Established.Replace("431999 ESTABLISHED", "9 CLOSE", StringComparison.Ordinal).Replace(" [ASSURED]", string.Empty, StringComparison.Ordinal);
        var report = ParityComparer.Compare("tcp/x", [Established], [engine], Zero, Zero);
        var mismatch = Assert.Single(report.Mismatches);
        Assert.Contains("state (ESTABLISHED vs CLOSE)", mismatch.What, StringComparison.Ordinal);
        Assert.Contains("[ASSURED]", mismatch.What, StringComparison.Ordinal);
        Assert.Contains("timeout (431999 vs 9)", mismatch.What, StringComparison.Ordinal);
        string text = report.Describe();
        Assert.Contains("kernel: " + Established, text, StringComparison.Ordinal);
        Assert.Contains("engine: " + engine, text, StringComparison.Ordinal);
        Assert.Contains("[tcp/x]", text, StringComparison.Ordinal);
        Assert.False(report.IsParity);
    }

    [Fact]
    public void Entries_on_one_side_only_are_mismatches_unless_expiring()
    {
        string expiring = Udp.Replace(" 29 ", " 1 ", StringComparison.Ordinal);
        var report = ParityComparer.Compare("s", [Established], [Udp], Zero, Zero);
        Assert.Equal(2, report.Mismatches.Count);
        Assert.Equal(0, report.EqualEntries);
        Assert.Equal(2, report.TotalEntries);

        var boundary = ParityComparer.Compare("s", [Established, expiring], [Established], Zero, Zero);
        Assert.True(boundary.IsParity, boundary.Describe());
        Assert.Single(boundary.ExpiringAtRead);
    }

    [Fact]
    public void Reply_tuple_and_unreplied_flag_are_compared()
    {
        string replied = Udp.Replace(" [UNREPLIED]", string.Empty, StringComparison.Ordinal).Replace("sport=53 dport=40001", "sport=54 dport=40001", StringComparison.Ordinal);
        var mismatch = Assert.Single(ParityComparer.Compare("s", [Udp], [replied], Zero, Zero).Mismatches);
        Assert.Contains("[UNREPLIED]", mismatch.What, StringComparison.Ordinal);
        Assert.Contains("reply tuple", mismatch.What, StringComparison.Ordinal);
    }

    [Fact]
    public void Accounting_timestamps_mark_and_zone_are_compared()
    {
        const string Counted = "ipv4     2 udp      17 29 src=10.201.0.1 dst=10.201.0.2 sport=40001 dport=53 packets=2 bytes=120 [UNREPLIED] src=10.201.0.2 dst=10.201.0.1 sport=53 dport=40001 packets=0 bytes=0 mark=0 zone=0 delta-time=4 use=2";
        Assert.True(ParityComparer.Compare("s", [Counted], [Counted.Replace("delta-time=4", "delta-time=6", StringComparison.Ordinal)], Zero, Zero).IsParity);
        string[] engines =
        [
            Counted.Replace("bytes=120", "bytes=121", StringComparison.Ordinal),
            Counted.Replace("packets=0 bytes=0", "packets=1 bytes=60", StringComparison.Ordinal),
            Counted.Replace("delta-time=4", "delta-time=7", StringComparison.Ordinal),
            Counted.Replace(" delta-time=4", string.Empty, StringComparison.Ordinal),
            Counted.Replace("mark=0", "mark=1", StringComparison.Ordinal),
            Counted.Replace("zone=0", "zone=2", StringComparison.Ordinal),
        ];
        string[] named = ["packets/bytes", "packets/bytes", "delta-time", "delta-time", "mark/zone", "mark/zone"];
        for (int i = 0; i < engines.Length; i++)
        {
            var mismatch = Assert.Single(ParityComparer.Compare("s", [Counted], [engines[i]], Zero, Zero).Mismatches);
            Assert.StartsWith("differs in " + named[i], mismatch.What, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Table_counters_are_compared_and_a_row_counts_its_increase()
    {
        var before = new ConntrackCounters(5, 1, 0) { EarlyDrop = 2 };
        var after = new ConntrackCounters(9, 1, 3) { EarlyDrop = 2, InsertFailed = 1 };
        Assert.Equal(new ConntrackCounters(4, 0, 3) { InsertFailed = 1 }, after.Since(before));
        var report = ParityComparer.Compare("s", [], [], Zero with { EarlyDrop = 1 }, Zero);
        Assert.False(report.IsParity);
        Assert.Contains("early_drop=1", report.Figure, StringComparison.Ordinal);
    }

    [Fact]
    public void Counter_differences_fail_the_comparison()
    {
        var report = ParityComparer.Compare("s", [], [], new ConntrackCounters(1, 0, 0), Zero);
        Assert.False(report.IsParity);
        Assert.Contains("counters DIFFER", report.Figure, StringComparison.Ordinal);
    }

    [Fact]
    public void Conntrack_S_rows_are_summed_over_cpus()
    {
        const string text = "cpu=0   \tfound=0 invalid=5 insert=1 insert_failed=0 drop=1484 early_drop=17 error=1 search_restart=0 clash_resolve=0 chaintoolong=0 \n"
            + "cpu=1   \tfound=0 invalid=6 insert=0 insert_failed=0 drop=7 early_drop=0 error=0 search_restart=0 clash_resolve=0 chaintoolong=0 \n";
        Assert.Equal(new ConntrackCounters(11, 1, 1491) { EarlyDrop = 17 }, ConntrackCounters.ParseConntrackStats(text));
    }

    [Fact]
    public void Early_drop_is_summed_over_the_cpu_rows()
    {
        const string stats = "cpu=0   \tfound=0 invalid=0 insert=0 insert_failed=0 drop=700 early_drop=9 error=0 search_restart=0\n"
            + "cpu=1   \tfound=0 invalid=0 insert=0 insert_failed=0 drop=739 early_drop=5 error=0 search_restart=0\n";
        Assert.Equal(14, ConntrackCounters.SumField(stats, "early_drop"));
        Assert.Equal(1439, ConntrackCounters.SumField(stats, "drop"));
    }
}
