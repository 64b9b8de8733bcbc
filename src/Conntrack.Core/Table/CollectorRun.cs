namespace Conntrack.Table;

/// <summary>
/// One run of the kernel's gc_worker (nf_conntrack_core.c, 6.x, HZ=250) as it walks partition
/// after partition: what is left of its reap budget, the running average of the remaining
/// lifetimes it has seen, and the table's count for the early-drop rule.
/// </summary>
internal struct CollectorRun
{
    public const long Second = 1_000_000_000;
    public const long Jiffy = Second / 250;
    public const long IntervalMin = 1 * Second;
    public const long IntervalMax = 60 * Second;
    public const long IntervalClamp = 300 * Second;

    /// <summary>Reaps (and early-drop kills) per run at HZ=250.</summary>
    public const int ExpiredMax = 64000 / 250;

    private readonly bool _earlyDrop;
    private readonly long _max95;

    public CollectorRun(long average, long samples, int count, bool earlyDrop, long max95)
    {
        Average = average;
        Samples = samples;
        Count = count;
        _earlyDrop = earlyDrop;
        _max95 = max95;
    }

    /// <summary>The average remaining lifetime so far, the next full cycle's interval.</summary>
    public long Average { get; private set; }

    public long Samples { get; private set; }

    /// <summary>The table's entry count as the run has left it so far.</summary>
    public int Count { get; private set; }

    public int Expired { get; private set; }

    /// <summary>The run stops at the next entry once more than <see cref="ExpiredMax"/> are gone.</summary>
    public readonly bool BudgetSpent => Expired > ExpiredMax;

    /// <summary>After a table-full drop, while the table is above 95 % of its limit, the run evicts too.</summary>
    public readonly bool Evicting => _earlyDrop && Count >= _max95;

    /// <summary>An entry reaped or evicted: both count against the same budget.</summary>
    public void Removed()
    {
        Count--;
        Expired++;
    }

    /// <summary>A live entry met: its remaining lifetime joins the average.</summary>
    public void Sample(long remainingNanos)
    {
        long remaining = Math.Clamp(remainingNanos, IntervalMin, IntervalClamp);
        Average += (remaining - Average) / ++Samples;
    }
}
