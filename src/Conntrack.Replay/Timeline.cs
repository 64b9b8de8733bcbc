namespace Conntrack.Replay;

/// <summary>
/// The table's life over time at an adaptive resolution: starts at one second per point and halves
/// the resolution whenever the run would exceed <see cref="MaxPoints"/> points, so memory stays
/// bounded for any capture length. Each point holds the peak and final entry count of its interval
/// and the interval's new entries, drops, early drops and allocation failures.
/// </summary>
public sealed class Timeline
{
    public const int MaxPoints = 1200;
    public const long SecondNanos = 1_000_000_000;

    private readonly List<TimelinePoint> _points = [];
    private long _start = long.MinValue;
    private long _width = SecondNanos;
    private TimelinePoint _open;
    private Cumulative _atOpen;
    private Cumulative _latest;

    /// <summary>Counters that only grow, sampled at interval boundaries.</summary>
    public readonly record struct Cumulative(long Created, long Drops, long EarlyDrops, long AllocationFailures);

    /// <summary>Width of one point, nanoseconds.</summary>
    public long Resolution => _width;

    /// <summary>Time of the first observation (Unix nanoseconds), or <see cref="long.MinValue"/> before any.</summary>
    public long Start => _start;

    /// <summary>Closed intervals; <see cref="Finish"/> closes the last one.</summary>
    public IReadOnlyList<TimelinePoint> Points => _points;

    /// <summary>Starts the first interval at <paramref name="start"/> (the first packet) with the table empty; else it starts at the first observation.</summary>
    public void Begin(long start)
    {
        _start = start;
        _open = new TimelinePoint(start, 0, 0, 0, 0, 0, 0);
    }

    /// <summary>Called after every packet with the table's count and the cumulative counters.</summary>
    public void Observe(long now, int entries, in Cumulative totals) => Observe(now, entries, entries, totals);

    /// <summary>
    /// Called after a group of packets: <paramref name="peakSince"/> is the highest count since the
    /// previous call, <paramref name="entries"/> the count now.
    /// </summary>
    public void Observe(long now, int peakSince, int entries, in Cumulative totals)
    {
        if (_start == long.MinValue)
        {
            _start = now;
            _open = new TimelinePoint(now, entries, entries, 0, 0, 0, 0);
        }
        // The open interval is number _points.Count; close it (and any quiet ones) until now falls inside.
        while ((now - _start) / _width > _points.Count)
        {
            Close();
            _open = new TimelinePoint(_start + (_points.Count * _width), _open.EndEntries, _open.EndEntries, 0, 0, 0, 0);
        }
        if (Math.Max(peakSince, entries) > _open.PeakEntries)
            _open = _open with { PeakEntries = Math.Max(peakSince, entries) };
        _open = _open with { EndEntries = entries };
        _latest = totals;
    }

    /// <summary>Closes the open interval; call once at the end of the run.</summary>
    public void Finish()
    {
        if (_start != long.MinValue)
            Close();
    }

    private void Close()
    {
        _points.Add(_open with
        {
            NewEntries = _latest.Created - _atOpen.Created,
            Drops = _latest.Drops - _atOpen.Drops,
            EarlyDrops = _latest.EarlyDrops - _atOpen.EarlyDrops,
            AllocationFailures = _latest.AllocationFailures - _atOpen.AllocationFailures,
        });
        _atOpen = _latest;
        // Coarsen on an even count so pairs line up with the doubled width.
        if (_points.Count > MaxPoints && _points.Count % 2 == 0)
            Coarsen();
    }

    /// <summary>Merges neighbouring points in pairs and doubles the interval width.</summary>
    private void Coarsen()
    {
        for (int i = 0; i < _points.Count / 2; i++)
        {
            var a = _points[2 * i];
            var b = _points[(2 * i) + 1];
            _points[i] = new TimelinePoint(a.Start, Math.Max(a.PeakEntries, b.PeakEntries), b.EndEntries,
                a.NewEntries + b.NewEntries, a.Drops + b.Drops, a.EarlyDrops + b.EarlyDrops, a.AllocationFailures + b.AllocationFailures);
        }
        _points.RemoveRange(_points.Count / 2, _points.Count - (_points.Count / 2));
        _width *= 2;
    }
}

/// <summary>One interval of a <see cref="Timeline"/>.</summary>
public readonly record struct TimelinePoint(long Start, int PeakEntries, int EndEntries, long NewEntries, long Drops, long EarlyDrops, long AllocationFailures);
