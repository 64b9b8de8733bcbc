namespace Conntrack.Table;

/// <summary>The garbage collector's schedule, after nf_conntrack_core.c (6.x); the partitions walk their own buckets.</summary>
public sealed partial class ConntrackTable
{
    private const int GcInitialCount = 100;

    private long _gcNextRun;
    private int _gcPartition;
    private long _gcAverage;
    private long _gcSamples;
    private long _gcCycleStart;
    private long _gcCycle = CollectorRun.IntervalMax;

    /// <summary>
    /// Time between the collector's full sweeps as it last scheduled them (nanoseconds): how long an
    /// expired entry may still count in <see cref="Count"/> before it is reaped.
    /// </summary>
    public long CollectorCycle => _gcCycle;

    /// <summary>Brings every partition's clock to <paramref name="now"/> and runs the collector there.</summary>
    private void Collect(long now)
    {
        foreach (var partition in _partitions)
            partition.Advance(now);
        RunCollector(now);
    }

    /// <summary>
    /// One run of the kernel's gc_worker at time <paramref name="now"/>: walk buckets from where the
    /// last run stopped, reap expired entries (at most 256 per run, then resume one jiffy later),
    /// learn the average remaining lifetime to schedule the next full cycle (1–60 s), and, after a
    /// table-full drop, evict non-ASSURED and closing TCP entries while the table is above 95 %.
    /// </summary>
    private void RunCollector(long now)
    {
        if (_gcNextRun == long.MinValue)
        {
            // The kernel's first run is one second after start.
            _gcNextRun = now + CollectorRun.IntervalMin;
            return;
        }
        if (_gcPartition == 0 && _partitions[0].SweepCursor == 0)
        {
            _gcAverage = CollectorRun.IntervalMax;
            _gcSamples = GcInitialCount;
            _gcCycleStart = now;
        }
        // Every partition's table-full mark is taken: the run ends the early-drop mode either way.
        bool tableFull = false;
        foreach (var partition in _partitions)
            tableFull |= partition.TakeTableFullDrop();
        var run = new CollectorRun(_gcAverage, _gcSamples, Count, earlyDrop: tableFull && _max >= 100, max95: (long)(_max / 100) * 95);
        for (; _gcPartition < PartitionCount; _gcPartition++)
        {
            if (!_partitions[_gcPartition].Sweep(now, ref run))
            {
                _gcAverage = run.Average;
                _gcSamples = run.Samples;
                _gcNextRun = now + (now - _gcCycleStart < CollectorRun.IntervalMax ? CollectorRun.Jiffy : 0);
                return;
            }
        }
        _gcPartition = 0;
        long delay = Math.Clamp(run.Average, CollectorRun.IntervalMin, CollectorRun.IntervalMax);
        _gcCycle = delay;
        long took = Math.Max(now - _gcCycleStart, CollectorRun.Jiffy);
        delay = delay > took ? delay - took : CollectorRun.Jiffy;
        _gcNextRun = now + delay;
    }
}
