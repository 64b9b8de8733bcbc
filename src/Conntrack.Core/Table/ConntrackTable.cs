using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Conntrack.Flows;
using Conntrack.Packets;
using Conntrack.Protocols;
using Conntrack.Settings;

namespace Conntrack.Table;

/// <summary>
/// A connection-tracking table with the kernel's data model (nf_conntrack_core.c): a fixed number of
/// hash buckets, every entry linked twice (original and reply tuple), a per-namespace limit checked
/// when an entry is allocated, early drop, lazy expiry and a garbage collector driven by the
/// packets' own timestamps. Entries are structs in one array linked by index; nothing is allocated
/// per packet once the arrays have grown. The buckets are split into a fixed number of partitions
/// by a direction-symmetric flow hash (see <see cref="TablePartition"/>), so a
/// <see cref="ParallelTracker"/> can track one batch on several threads with exactly the results
/// of one thread. Otherwise single writer: one thread per table.
/// </summary>
public sealed partial class ConntrackTable
{
    private const int InitialCapacity = 1024;
    private const int WorkChunk = 64;
    private const int PartitionCount = PartitionLayout.Partitions;

    internal TablePartition Partition(int index) => _partitions[index];

    private readonly IConntrackEventSink? _sink;
    private readonly int _bucketCount;
    private readonly FlowHashKey _hash;
    private readonly int _max;
    private readonly int _allocationLimit;
    private readonly bool _accounting;
    private readonly Defragmenter _defrag4;
    private readonly Defragmenter _defrag6;
    private readonly TablePartition[] _partitions = new TablePartition[PartitionCount];
    private readonly int[][] _lists = new int[PartitionCount][];
    private readonly int[] _listLengths = new int[PartitionCount];

    private Entry[] _entries;
    private EntryCounters[]? _counters;
    private PacketWork[]? _work;
    private int[] _order = [];
    private long _ordinal;
    // Written for every packet a reader adds while other threads parse and track: kept on a
    // cache line of its own, so the hash keys and arrays beside it stay shared.
    private readonly PaddedClock _clock = new();
    private int _peak;
    private long _peakAt;
    private int _intervalPeak;

    // Entries keep 32-bit ticks from the first packet.
    private long _epoch = long.MinValue;

    /// <summary>
    /// Creates a table from settings. <paramref name="seed"/> fixes the hash key (tests only — a
    /// real table's key is random). <paramref name="allocationLimit"/> models a memory budget: how
    /// many entries the slab can hold before allocations fail (0 = unlimited).
    /// </summary>
    public ConntrackTable(ConntrackSettings settings, IConntrackEventSink? sink = null, ulong? seed = null, int allocationLimit = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(allocationLimit);
        _allocationLimit = allocationLimit;
        ArgumentNullException.ThrowIfNull(settings);
        var config = new TrackerConfig(settings);
        _sink = sink;
        // One array of bucket heads; each partition owns a contiguous range of it.
        var buckets = new int[settings.EffectiveBuckets];
        Array.Fill(buckets, -1);
        _bucketCount = buckets.Length;
        _max = (int)settings.Max;
        _accounting = settings.Accounting;
        _hash = FlowHashKey.Create(seed);
        for (int p = 0; p < PartitionCount; p++)
            _partitions[p] = new TablePartition(p, buckets, _hash, config, sink);
        // IPv4 reassembly uses the IP stack's limits (ipfrag_time 30 s, ipfrag_high_thresh 4 MiB);
        // IPv6 conntrack reassembly has its own nf_conntrack_frag6_* settings.
        _defrag4 = new Defragmenter(30 * TrackerConfig.NanosPerSecond, 4L << 20);
        _defrag6 = new Defragmenter(settings.Get("nf_conntrack_frag6_timeout") * TrackerConfig.NanosPerSecond, settings.Get("nf_conntrack_frag6_high_thresh"));
        int capacity = _max > 0 ? Math.Min(_max, InitialCapacity) : InitialCapacity;
        _entries = new Entry[capacity];
        if (_accounting)
            _counters = new EntryCounters[capacity];
        foreach (var partition in _partitions)
            partition.Attach(_entries, _counters);
        _gcNextRun = long.MinValue;
    }

    /// <summary>Entries in the table, including expired ones the collector has not reaped yet (the kernel's <c>nf_conntrack_count</c>).</summary>
    public int Count
    {
        get
        {
            int count = 0;
            foreach (var partition in _partitions)
                count += partition.Count;
            return count;
        }
    }

    /// <summary>The limit (<c>nf_conntrack_max</c>); 0 means none.</summary>
    public int Max => _max;

    /// <summary>The highest <see cref="Count"/> seen after any packet, and when (nanoseconds).</summary>
    public int PeakCount => _peak;

    public long PeakTimestamp => _peakAt;

    /// <summary>The highest count since the last call (for sampling a timeline between batches); resets to the current count.</summary>
    public int TakeIntervalPeak()
    {
        int peak = _intervalPeak;
        _intervalPeak = Count;
        return peak;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void NotePeak(int count, long now)
    {
        if (count > _intervalPeak)
        {
            _intervalPeak = count;
            if (count > _peak)
            {
                _peak = count;
                _peakAt = now;
            }
        }
    }

    /// <summary>Hash buckets after the kernel's rounding.</summary>
    public int BucketCount => _bucketCount;

    /// <summary>
    /// Entry slots in use so far: one past the highest slot any entry has taken (grows to about
    /// <see cref="Max"/>). The array behind them is reserved at its final length, but only the
    /// slots entries have written occupy memory.
    /// </summary>
    public int Capacity
    {
        get
        {
            int extent = 0;
            foreach (var partition in _partitions)
                extent = Math.Max(extent, partition.SlotExtent);
            return extent;
        }
    }

    /// <summary>Bytes this table holds per entry slot: the entry (with its chain links), and counters when accounting is on.</summary>
    public static int BytesPerEntry(bool accounting) =>
        Unsafe.SizeOf<Entry>() + (accounting ? Unsafe.SizeOf<EntryCounters>() : 0);

    /// <summary>Bytes held by the table now: slots, links, counters and bucket heads.</summary>
    public long MemoryBytes => MemoryBytesFor(Capacity, _bucketCount, _accounting);

    /// <summary>Bytes a table holding <paramref name="entries"/> in as many slots needs, with its bucket heads.</summary>
    public static long MemoryBytesFor(long entries, int buckets, bool accounting) =>
        (entries * BytesPerEntry(accounting)) + ((long)buckets * sizeof(int));

    /// <summary>The kernel's counters, summed over partitions as the kernel sums them over CPUs.</summary>
    public ConntrackStatistics Statistics
    {
        get
        {
            var total = default(ConntrackStatistics);
            foreach (var partition in _partitions)
                total.Add(partition.Statistics);
            return total;
        }
    }

    /// <summary>
    /// Takes an IP packet through what a Linux router does before and in conntrack at time
    /// <paramref name="now"/> (nanoseconds; any epoch; a time earlier than the latest counts as
    /// the latest): the IP layer's header checks, fragment reassembly, then tracking.
    /// </summary>
    public PacketVerdict Process(ReadOnlySpan<byte> ipPacket, long now)
    {
        now = Clamp(now);
        var verdict = ProcessRaw(ipPacket, now, _ordinal++);
        NotePeak(Count, now);
        return verdict;
    }

    /// <summary>
    /// Tracks an already parsed packet that has been through the IP layer and reassembly;
    /// <paramref name="ipPacket"/> is used only for checksum verification.
    /// </summary>
    public PacketVerdict Process(in PacketInfo p, ReadOnlySpan<byte> ipPacket, long now)
    {
        now = Clamp(now);
        var verdict = TrackParsed(p, ipPacket, now, _ordinal++);
        NotePeak(Count, now);
        return verdict;
    }

    /// <summary>
    /// Tracks a batch of IP packets in order, exactly as <see cref="Process(ReadOnlySpan{byte}, long)"/>
    /// would one by one, but parses and hashes ahead and prefetches each packet's bucket and first
    /// entry, so the memory latency of one packet overlaps the others'.
    /// </summary>
    public void ProcessBatch(ReadOnlySpan<byte> data, ReadOnlySpan<PacketSlice> packets, Span<PacketVerdict> verdicts)
    {
        if (verdicts.Length < packets.Length)
            throw new ArgumentException("one verdict per packet is needed", nameof(verdicts));
        var work = _work ??= new PacketWork[WorkChunk];
        for (int start = 0; start < packets.Length; start += WorkChunk)
        {
            int n = Math.Min(WorkChunk, packets.Length - start);
            for (int i = 0; i < n; i++)
            {
                var slice = packets[start + i];
                ref var w = ref work[i];
                w.Offset = slice.Offset;
                w.Length = slice.Length;
                w.Timestamp = Clamp(slice.Timestamp);
                Route(data, ref w);
                // The bucket loads while the next packets are parsed.
                if (w.Partition >= 0)
                    _partitions[w.Partition].PrefetchBucket(w.Bucket);
            }
            Track(data, work.AsSpan(0, n), null);
            for (int i = 0; i < n; i++)
                verdicts[start + i] = work[i].Verdict;
        }
    }

    /// <summary>The time a packet arriving at <paramref name="now"/> is tracked at: never earlier than the packet before.</summary>
    internal long Clamp(long now)
    {
        if (now < _clock.Latest)
            return _clock.Latest;
        _clock.Latest = now;
        return now;
    }

    [StructLayout(LayoutKind.Explicit, Size = 192)]
    private sealed class PaddedClock
    {
        [FieldOffset(64)]
        public long Latest = long.MinValue;
    }

    /// <summary>
    /// First look at a packet (its place and clamped time already set): the IP layer's checks, the
    /// parse, and the partition of the flow it belongs to (an ICMP error's is that of the flow it
    /// quotes). Reads nothing that tracking changes, so it may run beside it.
    /// </summary>
    internal void Route(ReadOnlySpan<byte> data, ref PacketWork work)
    {
        var ip = data.Slice(work.Offset, work.Length);
        if (!IpLayer.Accepts(ip, work.Hook == NetfilterHook.PreRouting))
        {
            work.Partition = PacketWork.Rejected;
            return;
        }
        ref var info = ref work.Info;
        PacketParser.Parse(ip, 0, out info);
        // Fragments, atomic ones included (nf_ct_frag6_gather queues those too), go through reassembly.
        if (info.Status != ParseStatus.Ok || info.FirstFragment || info.HasFragmentHeader)
        {
            work.Partition = PacketWork.Raw;
            return;
        }
        int partition = PartitionOf(info);
        work.Partition = (sbyte)partition;
        work.Bucket = _partitions[partition].BucketOf(info.Tuple);
    }

    private int PartitionOf(in PacketInfo p) =>
        p.Status != ParseStatus.Ok ? 0
        : p.IsIcmpError && p.InnerValid && p.Tuple.Protocol is IpProtocol.Icmp or IpProtocol.IcmpV6 ? _hash.PartitionOf(p.InnerTuple)
        : _hash.PartitionOf(p.Tuple);

    /// <summary>
    /// Tracks the packets of <paramref name="work"/> (routed, in order). Packets that need the
    /// one-by-one path and collector runs split the batch into segments; a segment whose new
    /// entries cannot reach the limits is free of global effects, and <paramref name="parallel"/>,
    /// when given, tracks its partitions on several threads.
    /// </summary>
    internal void Track(ReadOnlySpan<byte> data, Span<PacketWork> work, ParallelTracker? parallel)
    {
        long ordinalBase = _ordinal;
        _ordinal += work.Length;
        if (_order.Length < work.Length)
            _order = new int[work.Length];
        int i = 0;
        while (i < work.Length)
        {
            ref var first = ref work[i];
            if (first.Partition == PacketWork.Rejected)
            {
                first.Verdict = PacketVerdict.Discarded;
                i++;
                continue;
            }
            if (first.Partition == PacketWork.Raw)
            {
                first.Verdict = ProcessRaw(data.Slice(first.Offset, first.Length), first.Timestamp, ordinalBase + i, first.Hook);
                NotePeak(Count, first.Timestamp);
                i++;
                continue;
            }
            EnsureEpoch(first.Timestamp);
            if (first.Timestamp >= _gcNextRun)
                Collect(first.Timestamp);
            i = TrackSegment(data, work, i, ordinalBase, parallel);
        }
    }

    /// <summary>
    /// Tracks the segment that starts at <paramref name="start"/> and runs to the next packet that
    /// needs the one-by-one path or the collector; returns where it ended.
    /// </summary>
    private int TrackSegment(ReadOnlySpan<byte> data, Span<PacketWork> work, int start, long ordinalBase, ParallelTracker? parallel)
    {
        Span<int> routed = stackalloc int[PartitionCount];
        int end = start, parsed = 0;
        for (; end < work.Length; end++)
        {
            ref var w = ref work[end];
            if (w.Partition == PacketWork.Rejected)
            {
                w.Verdict = PacketVerdict.Discarded;
                continue;
            }
            if (w.Partition == PacketWork.Raw || (end > start && w.Timestamp >= _gcNextRun))
                break;
            _order[parsed++] = end;
            routed[w.Partition]++;
        }
        // Every segment reserves, concurrent or not, so the array (and the memory a report
        // shows) is the same for any number of threads.
        Reserve(routed);
        var order = _order.AsSpan(0, parsed);
        int running = Count;
        if (parallel is not null && parallel.Threads > 1 && parsed >= ParallelTracker.MinSegment
            && (_max == 0 || running + parsed <= _max) && (_allocationLimit == 0 || running + parsed <= _allocationLimit))
        {
            TrackConcurrently(work, order, ordinalBase, parallel);
        }
        else
        {
            TrackRun(data, work, order, ordinalBase, coupled: true);
        }
        // The peak as one thread would have seen it, packet after packet.
        foreach (int k in order)
        {
            running += work[k].CountDelta;
            NotePeak(running, work[k].Timestamp);
        }
        return end;
    }

    private void TrackConcurrently(Span<PacketWork> work, ReadOnlySpan<int> order, long ordinalBase, ParallelTracker parallel)
    {
        for (int p = 0; p < PartitionCount; p++)
        {
            _listLengths[p] = 0;
            if (_lists[p] is null || _lists[p].Length < order.Length)
                _lists[p] = new int[_order.Length];
            _partitions[p].BeginConcurrent();
        }
        foreach (int k in order)
        {
            int p = work[k].Partition;
            _lists[p][_listLengths[p]++] = k;
        }
        try
        {
            parallel.RunPartitions(ordinalBase, order.Length);
        }
        finally
        {
            foreach (var partition in _partitions)
                partition.EndConcurrent();
            ReleaseDeferredEvents();
        }
    }

    // Packets are tracked 32 at a time: their buckets are loaded one group ahead and their first
    // entries at the start of their group, so the misses of a group overlap.
    private const int PrefetchGroup = 32;

    /// <summary>Tracks one partition's packets of the current concurrent segment, in order (called from any tracking thread).</summary>
    internal void TrackPartition(int partition, ReadOnlySpan<byte> data, Span<PacketWork> work, long ordinalBase) =>
        TrackRun(data, work, _lists[partition].AsSpan(0, _listLengths[partition]), ordinalBase, coupled: false);

    /// <summary>
    /// Tracks the listed packets in order, noting how each changed its partition's count. A
    /// <paramref name="coupled"/> run has the table to itself: its partitions check the limits
    /// against the running global count (and may grow the arrays, which the table then adopts).
    /// </summary>
    private void TrackRun(ReadOnlySpan<byte> data, Span<PacketWork> work, ReadOnlySpan<int> order, long ordinalBase, bool coupled)
    {
        int total = coupled ? Count : 0;
        var view = new TableView(_max, _allocationLimit, coupled);
        for (int k = 0; k < Math.Min(PrefetchGroup, order.Length); k++)
            PrefetchBucket(work[order[k]]);
        for (int group = 0; group < order.Length; group += PrefetchGroup)
        {
            int groupEnd = Math.Min(group + PrefetchGroup, order.Length);
            for (int k = groupEnd; k < Math.Min(groupEnd + PrefetchGroup, order.Length); k++)
                PrefetchBucket(work[order[k]]);
            for (int k = group; k < groupEnd; k++)
            {
                ref var w = ref work[order[k]];
                _partitions[w.Partition].PrefetchChain(w.Bucket);
            }
            // A bucket holds two nodes on average (each entry is hashed in both directions) and the kernel's lookup
            // reads each node's expiry before its tuple: the second node is the hit's next dependent miss.
            for (int k = group; k < groupEnd; k++)
            {
                ref var w = ref work[order[k]];
                _partitions[w.Partition].PrefetchChainSecond(w.Bucket);
            }
            for (int k = group; k < groupEnd; k++)
            {
                int index = order[k];
                ref var w = ref work[index];
                var partition = _partitions[w.Partition];
                int before = partition.Count;
                if (coupled)
                    view.EntriesElsewhere = total - before;
                w.Verdict = partition.Track(w.Info, data.Slice(w.Offset, w.Length), w.Timestamp, w.Bucket, ordinalBase + index, view, w.Hook);
                w.CountDelta = partition.Count - before;
                if (coupled)
                {
                    total += w.CountDelta;
                    AdoptArraysOf(partition);
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void PrefetchBucket(in PacketWork w) => _partitions[w.Partition].PrefetchBucket(w.Bucket);

    /// <summary>Hands the events partitions held back to the sink, in packet order.</summary>
    private void ReleaseDeferredEvents()
    {
        if (_sink is null)
            return;
        Span<int> next = stackalloc int[PartitionCount];
        while (true)
        {
            int best = -1;
            long bestOrdinal = long.MaxValue;
            for (int p = 0; p < PartitionCount; p++)
            {
                var deferred = _partitions[p].Deferred;
                if (next[p] < deferred.Length && deferred[next[p]].Ordinal < bestOrdinal)
                {
                    best = p;
                    bestOrdinal = deferred[next[p]].Ordinal;
                }
            }
            if (best < 0)
                break;
            var e = _partitions[best].Deferred[next[best]++];
            _sink.OnEvent(e.Type, e.Timestamp, e.Entry);
        }
    }

    /// <summary>Grows the entry array before a segment so that no partition has to grow it while others run.</summary>
    private void Reserve(ReadOnlySpan<int> routed)
    {
        int needed = 0;
        for (int p = 0; p < PartitionCount; p++)
            needed = Math.Max(needed, _partitions[p].CapacityFor(routed[p]));
        if (needed > _entries.Length)
        {
            int capacity = PartitionLayout.GrownCapacity(_entries.Length, needed, _max);
            Array.Resize(ref _entries, capacity);
            if (_counters is not null)
                Array.Resize(ref _counters, capacity);
            AttachArrays();
        }
    }

    /// <summary>Takes the arrays a partition grew while it tracked a packet of the coupled path, and hands them to the others.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void AdoptArraysOf(TablePartition partition)
    {
        if (partition.Entries != _entries)
        {
            _entries = partition.Entries;
            _counters = partition.Counters;
            AttachArrays();
        }
    }

    private void AttachArrays()
    {
        foreach (var partition in _partitions)
            partition.Attach(_entries, _counters);
    }

    private PacketVerdict ProcessRaw(ReadOnlySpan<byte> ipPacket, long now, long ordinal, NetfilterHook hook = NetfilterHook.PreRouting)
    {
        if (!IpLayer.Accepts(ipPacket, hook == NetfilterHook.PreRouting))
            return PacketVerdict.Discarded;
        var defragmenter = (ipPacket[0] >> 4) == 4 ? _defrag4 : _defrag6;
        switch (defragmenter.Submit(ipPacket, now, out var datagram))
        {
            case DefragResult.Held:
                return PacketVerdict.Held;
            case DefragResult.Discarded:
                return PacketVerdict.Discarded;
            case DefragResult.Complete:
                ipPacket = datagram;
                break;
        }
        PacketParser.Parse(ipPacket, 0, out var info);
        return TrackParsed(info, ipPacket, now, ordinal, hook);
    }

    private PacketVerdict TrackParsed(in PacketInfo p, ReadOnlySpan<byte> ipPacket, long now, long ordinal, NetfilterHook hook = NetfilterHook.PreRouting)
    {
        EnsureEpoch(now);
        if (now >= _gcNextRun)
            Collect(now);
        var partition = _partitions[PartitionOf(p)];
        var view = new TableView(_max, _allocationLimit, checksLimits: true) { EntriesElsewhere = Count - partition.Count };
        var verdict = partition.Track(p, ipPacket, now, -1, ordinal, view, hook);
        AdoptArraysOf(partition);
        return verdict;
    }

    private void EnsureEpoch(long now)
    {
        if (_epoch != long.MinValue)
            return;
        _epoch = now;
        foreach (var partition in _partitions)
            partition.StartClock(now);
    }

    /// <summary>The latest packet time any partition has seen.</summary>
    private long LatestTime
    {
        get
        {
            long latest = long.MinValue;
            foreach (var partition in _partitions)
                latest = Math.Max(latest, partition.Now);
            return latest;
        }
    }

    /// <summary>Looks up a tuple in either direction without changing anything but reaping expired entries.</summary>
    public bool TryGet(in FlowTuple tuple, long now, out EntryView entry)
    {
        EnsureEpoch(now);
        return _partitions[_hash.PartitionOf(tuple)].TryGet(tuple, now, out entry);
    }

    /// <summary>Removes the entry holding <paramref name="tuple"/> (either direction), as <c>conntrack -D</c>.</summary>
    public bool Remove(in FlowTuple tuple, long now)
    {
        EnsureEpoch(now);
        return _partitions[_hash.PartitionOf(tuple)].Remove(tuple, now);
    }

    /// <summary>
    /// The live entries at <paramref name="now"/> (expired ones are skipped, as a /proc read would
    /// reap them), in creation order. For dumps and reports, not for the packet path.
    /// </summary>
    public IReadOnlyList<EntryView> Snapshot(long now) => Snapshot(now, includeExpired: false);

    /// <summary>
    /// Shows <paramref name="visitor"/> each entry <see cref="Snapshot(long, bool)"/> would list, in slot order, with
    /// nothing allocated: for views refreshed every second, where sorting and listing a large table would cost.
    /// </summary>
    public void Visit(long now, bool includeExpired, EntryVisitor visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        if (_epoch == long.MinValue)
            return;
        long latest = LatestTime;
        uint latestTick = Entry.TickAt(_epoch, latest);
        uint tick = Entry.TickAt(_epoch, Math.Max(now, latest));
        int extent = Capacity;
        for (int slot = 0; slot < extent; slot++)
        {
            ref var entry = ref _entries[slot];
            if ((entry.Status & EntryStatus.Confirmed) != 0 && (includeExpired || entry.RemainingNanos(tick) > 0))
                visitor(EntryView.Of(_entries, _counters, slot, _epoch, latest, latestTick));
        }
    }

    /// <summary>Like <see cref="Snapshot(long)"/>; with <paramref name="includeExpired"/>, also the expired entries still linked.</summary>
    public IReadOnlyList<EntryView> Snapshot(long now, bool includeExpired)
    {
        if (_epoch == long.MinValue)
            return [];
        long latest = LatestTime;
        uint latestTick = Entry.TickAt(_epoch, latest);
        uint tick = Entry.TickAt(_epoch, Math.Max(now, latest));
        // Sort (id, slot) keys rather than the views: creation order without moving 150-byte structs.
        var keys = new ulong[Count];
        int live = 0;
        // Slots past the extent were never written: reading them would only map pages for nothing.
        int extent = Capacity;
        for (int slot = 0; slot < extent; slot++)
        {
            ref var entry = ref _entries[slot];
            if ((entry.Status & EntryStatus.Confirmed) != 0 && (includeExpired || entry.RemainingNanos(tick) > 0))
                keys[live++] = ((ulong)entry.Id << 32) | (uint)slot;
        }
        Array.Sort(keys, 0, live);
        var list = new List<EntryView>(live);
        for (int i = 0; i < live; i++)
            list.Add(EntryView.Of(_entries, _counters, (int)(uint)keys[i], _epoch, latest, latestTick));
        return list;
    }
}
