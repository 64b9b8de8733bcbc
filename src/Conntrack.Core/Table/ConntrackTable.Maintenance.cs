using Conntrack.Flows;
using Conntrack.Protocols;

namespace Conntrack.Table;

/// <summary>Early drop and the garbage collector, after nf_conntrack_core.c (6.x).</summary>
public sealed partial class ConntrackTable
{
    private const long Second = 1_000_000_000;
    private const long Jiffy = Second / 250;                 // HZ=250, as on the reference machine
    private const int EvictionRange = 8;                     // NF_CT_EVICTION_RANGE buckets
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

    /// <summary>
    /// Frees room for a new entry: from the new tuple's bucket, look at up to 8 buckets and evict
    /// every non-ASSURED entry of the first bucket that has any. Expired entries met on the way are
    /// reaped but do not count as success (the kernel does not re-check the count).
    /// </summary>
    private bool EarlyDrop(in FlowTuple original, long now)
    {
        int first = BucketOf(original);
        // The eight chains are independent: start loading all their heads, then their first
        // entries, before walking any (on a full table this path runs for every new flow).
        for (int i = 0, b = first; i < EvictionRange; i++, b = b + 1 == _buckets.Length ? 0 : b + 1)
            Prefetch.Read(ref _buckets[b]);
        for (int i = 0, b = first; i < EvictionRange; i++, b = b + 1 == _buckets.Length ? 0 : b + 1)
        {
            if (_buckets[b] is int head and not Nil)
                Prefetch.Read(ref _entries[head >> 1]);
        }
        // Chains hold two nodes on average: fetch the second ones too while the first arrive.
        for (int i = 0, b = first; i < EvictionRange; i++, b = b + 1 == _buckets.Length ? 0 : b + 1)
        {
            if (_buckets[b] is int head and not Nil && Next(head) is int second and not Nil)
                Prefetch.Read(ref _entries[second >> 1]);
        }
        int bucket = first;
        for (int i = 0; i < EvictionRange; i++, bucket = bucket + 1 == _buckets.Length ? 0 : bucket + 1)
        {
            int evicted = 0;
        restart:
            for (int node = _buckets[bucket]; node != Nil; node = Next(node))
            {
                int slot = node >> 1;
                ref var entry = ref _entries[slot];
                if (entry.IsExpired(_nowTick))
                {
                    Delete(slot, now);
                    goto restart;
                }
                if ((entry.Status & EntryStatus.Assured) != 0)
                    continue;
                Delete(slot, now);
                evicted++;
                goto restart;
            }
            if (evicted > 0)
            {
                _stats.EarlyDrop += evicted;
                return true;
            }
        }
        return false;
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
        for (int bucket = _gcBucket; bucket < _buckets.Length; bucket++)
        {
        restart:
            for (int node = _buckets[bucket]; node != Nil; node = Next(node))
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
                if (entry.IsExpired(_nowTick))
                {
                    Delete(slot, now);
                    expired++;
                    goto restart;
                }
                long remaining = Math.Clamp(entry.RemainingNanos(_nowTick), GcIntervalMin, GcIntervalClamp);
                nextRun += (remaining - nextRun) / ++samples;
                if (earlyDrop && _count >= max95 && CanGcEvict(entry))
                {
                    // gc_worker counts these kills against the same per-run budget as expiries.
                    Delete(slot, now);
                    expired++;
                    goto restart;
                }
            }
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
