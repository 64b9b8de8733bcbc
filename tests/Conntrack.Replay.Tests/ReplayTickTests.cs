using Conntrack.Capture;
using Conntrack.Replay.Scenarios;
using Conntrack.Settings;

namespace Conntrack.Replay.Tests;

/// <summary>
/// Ticks come at every whole second of capture time from the first packet, the table then holding exactly the packets
/// before it: its count and the counters' growth since the last tick are the timeline's point that ends there.
/// The ticks change nothing: the result is the same with and without them.
/// </summary>
public class ReplayTickTests
{
    private const long Second = 1_000_000_000;

    private static ReplayResult Replay(byte[] capture, Action<ReplayTick>? tick)
    {
        using var reader = CaptureReader.Open(new MemoryStream(capture), "ticks");
        return ReplayRunner.Run(reader, new ReplayOptions { Settings = new ConntrackSettings { Max = 3000 }, HashSeed = 9, Tick = tick });
    }

    [Fact]
    public void Each_tick_is_the_timeline_point_that_ends_at_it()
    {
        var stream = new MemoryStream();
        ScenarioCatalog.Generate(stream, "synflood", 4, rate: 400, duration: 12 * Second);
        byte[] capture = stream.ToArray();
        var ticks = new List<(long At, bool Final, int Count, long Created, long Drops)>();
        var result = Replay(capture, t => ticks.Add((t.At, t.Final, t.Table.Count, t.Created, t.TableFullDrops)));
        var points = result.Timeline.Points;
        long first = result.FirstTimestamp;

        Assert.Equal(first, result.Timeline.Start);
        Assert.True(ticks[^1].Final);
        Assert.Equal((result.LastTimestamp, result.Table.Count), (ticks[^1].At, ticks[^1].Count));
        var seconds = ticks.SkipLast(1).ToList();
        Assert.Equal(Enumerable.Range(1, seconds.Count).Select(k => first + (k * Second)), seconds.Select(t => t.At));
        Assert.Equal(points.Count - 1, seconds.Count);
        for (int k = 0; k < seconds.Count; k++)
        {
            var before = k == 0 ? (Created: 0L, Drops: 0L) : (seconds[k - 1].Created, seconds[k - 1].Drops);
            Assert.Equal(
                (points[k].EndEntries, points[k].NewEntries, points[k].Drops),
                (seconds[k].Count, seconds[k].Created - before.Created, seconds[k].Drops - before.Drops));
        }
        Assert.Contains(points, p => p.Drops > 0);

        var untouched = Replay(capture, tick: null);
        Assert.Equal((result.EntriesCreated, result.DroppedPackets, result.PeakEntries), (untouched.EntriesCreated, untouched.DroppedPackets, untouched.PeakEntries));
        Assert.Equal(points, untouched.Timeline.Points);
    }
}
