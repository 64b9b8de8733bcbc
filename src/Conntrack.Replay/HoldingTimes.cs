namespace Conntrack.Replay;

/// <summary>
/// How long entries were held, by entry class and by when they were created: for every class and
/// creation interval, the entries whose holding time is known (they left, or they wait out a
/// timeout at the end: creation to expiry) and the entries still open at the end, whose end the
/// capture cannot show. A fixed number of intervals, merged in pairs as the capture grows (as the
/// <see cref="Timeline"/> does), so memory stays bounded for any capture length.
/// </summary>
public sealed class HoldingTimes
{
    public const int MaxIntervals = 256;
    private const long Second = 1_000_000_000;

    private readonly Tally[,] _tallies = new Tally[EntryClass.Count, MaxIntervals];
    private readonly int[] _atEnd = new int[EntryClass.Count];
    private long _width = Second / 8;

    /// <summary>Entries of one class created in one interval.</summary>
    /// <param name="Held">Entries with a known holding time.</param>
    /// <param name="Seconds">Sum of their holding times.</param>
    /// <param name="SquaredSeconds">Sum of the squares of their holding times.</param>
    /// <param name="Open">Entries still in an open-ended class at the end (<see cref="EntryClass.IsOpenEnded"/>).</param>
    public readonly record struct Tally(long Held, double Seconds, double SquaredSeconds, long Open);

    /// <summary>Creation time of the first entry (Unix nanoseconds), or <see cref="long.MinValue"/> before any.</summary>
    public long Start { get; private set; } = long.MinValue;

    /// <summary>Time of the last packet (Unix nanoseconds), set when the replay ends.</summary>
    public long End { get; private set; }

    /// <summary>Width of one creation interval, nanoseconds.</summary>
    public long Width => _width;

    /// <summary>
    /// Longest time, among entries with a known holding time, from creation to their last change of
    /// class: entries created longer ago than this have reached the class they leave from.
    /// </summary>
    public double LongestSettlingSeconds { get; private set; }

    public Tally At(int entryClass, int interval) => _tallies[entryClass, interval];

    /// <summary>Entries of <paramref name="entryClass"/> in the table at the end (counted until reaped, as nf_conntrack_count).</summary>
    public int AtEnd(int entryClass) => _atEnd[entryClass];

    internal void AddHeld(int entryClass, long createdAt, long heldNanos, long settlingNanos)
    {
        ref var t = ref Slot(entryClass, createdAt);
        double seconds = heldNanos / 1e9;
        t = t with { Held = t.Held + 1, Seconds = t.Seconds + seconds, SquaredSeconds = t.SquaredSeconds + (seconds * seconds) };
        LongestSettlingSeconds = Math.Max(LongestSettlingSeconds, settlingNanos / 1e9);
    }

    internal void AddOpen(int entryClass, long createdAt)
    {
        ref var t = ref Slot(entryClass, createdAt);
        t = t with { Open = t.Open + 1 };
    }

    internal void Begin(long start)
    {
        if (Start == long.MinValue)
            Start = start;
    }

    internal void CountAtEnd(int entryClass) => _atEnd[entryClass]++;

    internal void Finish(long end) => End = end;

    private ref Tally Slot(int entryClass, long createdAt)
    {
        Begin(createdAt);
        long offset = Math.Max(0, createdAt - Start);
        while (offset / _width >= MaxIntervals)
            Coarsen();
        return ref _tallies[entryClass, (int)(offset / _width)];
    }

    private void Coarsen()
    {
        for (int c = 0; c < EntryClass.Count; c++)
        {
            for (int i = 0; i < MaxIntervals / 2; i++)
            {
                var a = _tallies[c, 2 * i];
                var b = _tallies[c, (2 * i) + 1];
                _tallies[c, i] = new Tally(a.Held + b.Held, a.Seconds + b.Seconds, a.SquaredSeconds + b.SquaredSeconds, a.Open + b.Open);
            }
            for (int i = MaxIntervals / 2; i < MaxIntervals; i++)
                _tallies[c, i] = default;
        }
        _width *= 2;
    }
}
