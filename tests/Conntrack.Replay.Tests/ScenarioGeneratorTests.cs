using Conntrack.Replay.Scenarios;
using Conntrack.Capture;
using Conntrack.Settings;

namespace Conntrack.Replay.Tests;

public class ScenarioGeneratorTests
{
    private const long Second = 1_000_000_000;

    private static ReplayResult Replay(string scenario, long duration, ConntrackSettings? settings = null, int seed = 3)
    {
        var stream = new MemoryStream();
        ScenarioCatalog.Generate(stream, scenario, seed, duration: duration);
        stream.Position = 0;
        using var reader = CaptureReader.Open(stream, scenario);
        return ReplayRunner.Run(reader, new ReplayOptions { Settings = settings ?? new ConntrackSettings() });
    }

    [Fact]
    public void The_same_seed_writes_the_same_bytes_and_another_seed_does_not()
    {
        static byte[] Gen(int seed)
        {
            var stream = new MemoryStream();
            ScenarioCatalog.Generate(stream, "nat", seed, duration: 5 * Second);
            return stream.ToArray();
        }
        Assert.Equal(Gen(4), Gen(4));
        Assert.NotEqual(Gen(4), Gen(5));
    }

    [Fact]
    public void Web_traffic_is_valid_tcp_and_leaves_time_wait_entries()
    {
        var r = Replay("web", 20 * Second);
        // Every generated segment must pass window tracking: nothing invalid.
        Assert.Equal(0, r.Statistics.Invalid);
        Assert.True(r.FinalEntries.Count(e => e.StateName == "TIME_WAIT") > r.FinalEntries.Count / 2);
        Assert.All(r.FinalEntries.Where(e => e.StateName == "TIME_WAIT"), e => Assert.True(e.IsAssured));
    }

    [Fact]
    public void Dns_storm_entries_never_become_assured_and_die_after_thirty_seconds()
    {
        var r = Replay("dns", 60 * Second);
        // A query/response pair never lives 2 s; only a client reusing a port within 30 s
        // (a few birthday collisions among 10,000 clients) can produce an ASSURED stream.
        Assert.True(r.FinalEntries.Count(e => e.IsAssured) < r.FinalEntries.Count / 1000);
        // Roughly 30 s worth of queries are alive at the end (rate 2000/s), not 60 s worth.
        Assert.InRange(r.FinalEntries.Count, 2000 * 25, 2000 * 35);
    }

    [Fact]
    public void Syn_flood_fills_a_small_table_and_early_drop_evicts_half_open_entries()
    {
        var settings = new ConntrackSettings { Max = 4096, Buckets = 4096 };
        var r = Replay("synflood", 10 * Second, settings);
        Assert.Equal(4096, r.PeakEntries);
        Assert.True(r.Statistics.EarlyDrop > 0);
        Assert.All(r.FinalEntries, e => Assert.False(e.IsAssured));
    }

    [Fact]
    public void Port_scan_closed_ports_leave_nothing_and_filtered_ports_leave_syn_sent()
    {
        var r = Replay("portscan", 10 * Second);
        Assert.NotEmpty(r.FinalEntries);
        Assert.True(r.FinalEntries.Count(e => e.StateName == "SYN_SENT") > r.FinalEntries.Count * 9 / 10);
        // About 20 % of probes go unanswered; the rest were reset and removed.
        Assert.InRange(r.FinalEntries.Count, r.EntriesCreated / 10, r.EntriesCreated / 3);
    }

    [Fact]
    public void Idle_connections_hold_established_entries_for_days()
    {
        var r = Replay("idle", 30 * Second);
        Assert.Equal(20000, r.FinalEntries.Count);
        Assert.All(r.FinalEntries, e => Assert.True(e.IsAssured && e.StateName == "ESTABLISHED" && e.RemainingSeconds(r.LastTimestamp) > 431000));
    }
}
