using System.Runtime.CompilerServices;
using Conntrack.Flows;
using Conntrack.Protocols;

namespace Conntrack.Table;

/// <summary>Early drop and the garbage collector, after nf_conntrack_core.c (6.x).</summary>
public sealed partial class ConntrackTable
{
    private const long Second = 1_000_000_000;
    private const long Jiffy = Second / 250;                 // HZ=250, as on the reference machine
    private const long GcIntervalMin = 1 * Second;
    private const long GcIntervalMax = 60 * Second;
    private const long GcIntervalClamp = 300 * Second;
    private const int GcInitialCount = 100;
    private const int GcExpiredMax = 64000 / 250;            // reap budget per run at HZ=250

    private long _gcNextRun;
    private int _gcBucket;
    private long _gcAverage;
    private long _gcSamples;
    private long _gcCycleStart;
    private bool _gcEarlyDrop;

    /// <summary>A packet was dropped because the table was full: the next collector run may evict early.</summary>
    internal void NoteTableFull() => _gcEarlyDrop = true;

    /// <summary>Brings every partition's clock to <paramref name="now"/> and runs the collector there.</summary>
    private void Collect(long now)
    {
        foreach (var partition in _partitions)
            partition.Advance(now);
        RunCollector(now);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref int Next(int node)
    {
        ref var entry = ref _entries[node >> 1];
        return ref (node & 1) == 0 ? ref entry.NextOriginal : ref entry.NextReply;
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
            _gcNextRun = now + GcIntervalMin;
            return;
        }
        if (_gcBucket == 0)
        {
            _gcAverage = GcIntervalMax;
            _gcSamples = GcInitialCount;
            _gcCycleStart = now;
        }
        long nextRun = _gcAverage;
        long samples = _gcSamples;
        int expired = 0;
        bool earlyDrop = _gcEarlyDrop && _max >= 100;
        long max95 = (long)(_max / 100) * 95;
        uint nowTick = TickOf(now);
        int count = Count;
        int span = _buckets.Length / PartitionCount;
        for (int bucket = _gcBucket; bucket < _buckets.Length; bucket++)
        {
            var partition = _partitions[bucket / span];
            if (bucket % span == 0)
                partition.BeginSweep();
        restart:
            for (int node = _buckets[bucket]; node != -1; node = Next(node))
            {
                if (expired > GcExpiredMax)
                {
                    _gcBucket = bucket;
                    _gcAverage = nextRun;
                    _gcSamples = samples;
                    _gcNextRun = now + (now - _gcCycleStart < GcIntervalMax ? Jiffy : 0);
                    _gcEarlyDrop = false;
                    return;
                }
                int slot = node >> 1;
                ref var entry = ref _entries[slot];
                if (entry.IsExpired(nowTick))
                {
                    partition.Delete(slot);
                    count--;
                    expired++;
                    goto restart;
                }
                long remaining = Math.Clamp(entry.RemainingNanos(nowTick), GcIntervalMin, GcIntervalClamp);
                nextRun += (remaining - nextRun) / ++samples;
                if (earlyDrop && count >= max95 && CanGcEvict(entry))
                {
                    // gc_worker counts these kills against the same per-run budget as expiries.
                    partition.Delete(slot);
                    count--;
                    expired++;
                    goto restart;
                }
                partition.NoteExpiry(entry.ExpiresTick);
            }
            if ((bucket + 1) % span == 0)
                partition.EndSweep();
        }
        _gcBucket = 0;
        long delay = Math.Clamp(nextRun, GcIntervalMin, GcIntervalMax);
        long took = Math.Max(now - _gcCycleStart, Jiffy);
        delay = delay > took ? delay - took : Jiffy;
        _gcNextRun = now + delay;
        _gcEarlyDrop = false;
    }

    /// <summary>gc_worker_can_early_drop: anything not ASSURED, and ASSURED TCP/SCTP associations that are closing.</summary>
    private static bool CanGcEvict(in Entry entry)
    {
        if ((entry.Status & EntryStatus.Assured) == 0)
            return true;
        return entry.Original.Protocol switch
        {
            IpProtocol.Tcp => TcpTracker.CanEarlyDrop(entry.Proto.Tcp.State),
            IpProtocol.Sctp => SctpTracker.CanEarlyDrop(entry.Proto.Sctp.State),
            _ => false,
        };
    }
}
