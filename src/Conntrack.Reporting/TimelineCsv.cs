using System.Globalization;
using Conntrack.Replay;

namespace Conntrack.Reporting;

/// <summary>The timeline as CSV, one row per interval, rates per second.</summary>
public static class TimelineCsv
{
    public static void Write(TextWriter output, Timeline timeline, int max)
    {
        var inv = CultureInfo.InvariantCulture;
        double width = timeline.Resolution / 1e9;
        output.Write("offset_seconds,timestamp,entries_peak,entries_end,nf_conntrack_max,new_per_second,drops_per_second,early_drops_per_second,allocation_failures_per_second\n");
        foreach (var p in timeline.Points)
        {
            output.Write(string.Create(inv,
                $"{(p.Start - timeline.Start) / 1e9:0.######},{ReplayJson.FormatTime(p.Start)},{p.PeakEntries},{p.EndEntries},{max},{p.NewEntries / width:0.###},{p.Drops / width:0.###},{p.EarlyDrops / width:0.###},{p.AllocationFailures / width:0.###}\n"));
        }
    }
}
