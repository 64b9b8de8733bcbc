namespace Conntrack.Replay.Tests;

public class TimelineTests
{
    private const long Second = 1_000_000_000;

    [Fact]
    public void Quiet_intervals_carry_the_count_and_rates_are_per_interval()
    {
        var timeline = new Timeline();
        timeline.Observe(0, 5, new Timeline.Cumulative(5, 0, 0, 0));
        timeline.Observe(Second / 2, 9, new Timeline.Cumulative(9, 1, 0, 0));
        timeline.Observe(4 * Second, 3, new Timeline.Cumulative(10, 4, 2, 0));
        timeline.Finish();
        var p = timeline.Points;
        Assert.Equal(5, p.Count);
        Assert.Equal((9, 9, 9L, 1L), (p[0].PeakEntries, p[0].EndEntries, p[0].NewEntries, p[0].Drops));
        // Seconds 1-3 saw no packet: the count stays where it was and nothing happened.
        Assert.All(p.Skip(1).Take(3), q => Assert.Equal((9, 0L, 0L), (q.EndEntries, q.NewEntries, q.Drops)));
        Assert.Equal((3, 1L, 3L, 2L), (p[4].EndEntries, p[4].NewEntries, p[4].Drops, p[4].EarlyDrops));
    }

    [Fact]
    public void A_long_run_coarsens_without_losing_events_or_peaks()
    {
        var timeline = new Timeline();
        long created = 0, drops = 0;
        int peakSeen = 0;
        for (long s = 0; s < 10_000; s++)
        {
            created += 3;
            drops += s % 7 == 0 ? 1 : 0;
            int entries = (int)(1000 + (s % 500));
            peakSeen = Math.Max(peakSeen, entries);
            timeline.Observe(s * Second, entries, new Timeline.Cumulative(created, drops, 0, 0));
        }
        timeline.Finish();
        Assert.InRange(timeline.Points.Count, Timeline.MaxPoints / 2, Timeline.MaxPoints + 1);
        Assert.True(timeline.Resolution > Second);
        Assert.Equal(created, timeline.Points.Sum(p => p.NewEntries));
        Assert.Equal(drops, timeline.Points.Sum(p => p.Drops));
        Assert.Equal(peakSeen, timeline.Points.Max(p => p.PeakEntries));
        // Points are contiguous at the final resolution.
        for (int i = 1; i < timeline.Points.Count; i++)
            Assert.Equal(timeline.Resolution, timeline.Points[i].Start - timeline.Points[i - 1].Start);
    }
}
