using System.Runtime.CompilerServices;
using Conntrack.Flows;
using Conntrack.Packets;
using Conntrack.Protocols;

namespace Conntrack.Table;

/// <summary>
/// One of a table's partitions: a contiguous range of its hash buckets, the entries linked into
/// them (one block of slots in every <see cref="PartitionLayout.Partitions"/>), its own free list,
/// count, counters and clock, and everything that walks its chains — lookup, early drop and the
/// collector's sweep. A flow's partition comes from a direction-symmetric hash, so both of its
/// tuples — and everything a packet of it can touch (lookup, reaping, early drop) — stay inside one
/// partition. That makes partitions independent: within a batch segment the table has cleared of
/// global effects (limit, collector, fragments), they can be tracked on different threads, and the
/// kernel keeps its per-CPU statistics the same way, as counters summed when read. A partition sees
/// its table only through the <see cref="TableView"/> it is handed.
/// </summary>
internal sealed class TablePartition
{
    private const int Nil = -1;
    private const int EvictionRange = 8; // NF_CT_EVICTION_RANGE

    // A slot that holds an entry (confirmed or being judged); free slots have it clear.
    internal const EntryStatus InUse = (EntryStatus)(1u << 31);

    private readonly FlowHashKey _hash;
    private readonly TrackerConfig _config;
    private readonly IConntrackEventSink? _sink;
    private readonly int[] _buckets;
    private readonly int _bucketBase;
    private readonly int _bucketSpan;
    private readonly int _bucketEnd;
    private readonly int _index;
    private readonly Random _random;

    private Entry[] _entries = [];
    private EntryCounters[]? _counters;
    private int _freeHead = Nil;
    private int _freeCount;
    private int _fresh;
    private long _epoch;
    private long _ordinal;
    private ConntrackStatistics _stats;
    private bool _tableFullDrop;

    // Set while the partition runs concurrently with others: events are held back for the table
    // to merge in packet order.
    private bool _concurrent;
    private DeferredEvent[] _deferred = [];
    private int _deferredCount;

    // The collector's place in this partition's buckets, and the earliest expiry its walk has met.
    private int _sweepCursor;
    private long _sweepNoExpiryBefore = long.MaxValue;

    public TablePartition(int index, int[] buckets, FlowHashKey hash, TrackerConfig config, IConntrackEventSink? sink)
    {
        _index = index;
        _buckets = buckets;
        _bucketSpan = buckets.Length / PartitionLayout.Partitions;
        _bucketBase = index * _bucketSpan;
        _bucketEnd = _bucketBase + _bucketSpan;
        _hash = hash;
        _config = config;
        _sink = sink;
        _random = new Random(hash.RandomSeed + index);
    }

    /// <summary>Entries of this partition (the table's count is the sum).</summary>
    public int Count { get; private set; }

    public ConntrackStatistics Statistics => _stats;

    /// <summary>The latest packet time this partition has seen, and its tick.</summary>
    public long Now { get; private set; } = long.MinValue;

    public uint NowTick { get; private set; }

    // What early drop could find: when there are no unassured entries and none has expired, its
    // walk of eight chains would change nothing.

    /// <summary>Linked entries without ASSURED.</summary>
    public int Unassured { get; private set; }

    /// <summary>A time before which no linked entry expires (it may be earlier than the earliest expiry).</summary>
    public long NoExpiryBefore { get; private set; } = long.MaxValue;

    /// <summary>The bucket (counted from this partition's first) the collector's next run starts from.</summary>
    public int SweepCursor => _sweepCursor;

    /// <summary>The arrays this partition works on: the table's, or larger ones after it had to grow them.</summary>
    public Entry[] Entries => _entries;

    public EntryCounters[]? Counters => _counters;

    /// <summary>Events held back while concurrent, in order.</summary>
    public ReadOnlySpan<DeferredEvent> Deferred => _deferred.AsSpan(0, _deferredCount);

    /// <summary>Picks up the table's arrays after they grew.</summary>
    public void Attach(Entry[] entries, EntryCounters[]? counters)
    {
        _entries = entries;
        _counters = counters;
    }

    /// <summary>Entries keep 32-bit ticks from <paramref name="epoch"/>, the table's first packet.</summary>
    public void StartClock(long epoch) => _epoch = epoch;

    /// <summary>One past the highest slot this partition has ever used (0 when none): the part of the array its entries have written.</summary>
    public int SlotExtent => _fresh == 0 ? 0 : PartitionLayout.SlotOf(_index, _fresh - 1) + 1;

    /// <summary>The array length that lets this partition create <paramref name="entries"/> more entries without growing it.</summary>
    public int CapacityFor(int entries)
    {
        int fresh = entries - _freeCount;
        return fresh > 0 ? PartitionLayout.SlotOf(_index, _fresh + fresh - 1) + 1 : 0;
    }

    /// <summary>Runs concurrently with other partitions until <see cref="EndConcurrent"/>: events are held back.</summary>
    public void BeginConcurrent()
    {
        _concurrent = true;
        _deferredCount = 0;
    }

    public void EndConcurrent() => _concurrent = false;

    /// <summary>Whether a packet was dropped for a full table since the last call (the collector's cue to evict early).</summary>
    public bool TakeTableFullDrop()
    {
        bool dropped = _tableFullDrop;
        _tableFullDrop = false;
        return dropped;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int BucketOf(in FlowTuple t) => _bucketBase + (int)(((_hash.Hash(t) >> 32) * (ulong)(uint)_bucketSpan) >> 32);

    /// <summary>Moves this partition's clock to <paramref name="now"/>; it never runs backwards.</summary>
    public void Advance(long now)
    {
        if (now < Now)
            return;
        Now = now;
        NowTick = Entry.TickAt(_epoch, now);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref int Next(int node)
    {
        ref var entry = ref _entries[node >> 1];
        return ref (node & 1) == 0 ? ref entry.NextOriginal : ref entry.NextReply;
    }

    /// <summary>Starts loading a bucket's head.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void PrefetchBucket(int bucket) => Prefetch.Read(ref _buckets[bucket]);

    /// <summary>Starts loading the first entry of a bucket's chain.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void PrefetchChain(int bucket)
    {
        if (_buckets[bucket] is int head and not Nil)
        {
            ref var entry = ref _entries[head >> 1];
            Prefetch.Read(ref entry);
            Prefetch.Read(ref entry.Proto);
        }
    }

    /// <summary>Starts loading the second entry of a bucket's chain (once its first has arrived).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void PrefetchChainSecond(int bucket)
    {
        if (_buckets[bucket] is int head and not Nil && Next(head) is int second and not Nil)
            Prefetch.Read(ref _entries[second >> 1]);
    }

    /// <summary>
    /// The per-packet part of nf_conntrack_in after the IP layer, reassembly and the collector:
    /// the ICMP error path, or lookup/allocation and the protocol's tracker.
    /// <paramref name="ordinal"/> is the packet's number in the table's life (new entries take their id from it).
    /// Checksums are verified, and martians routed away, only at <see cref="NetfilterHook.PreRouting"/>.
    /// </summary>
    public PacketVerdict Track(in PacketInfo p, ReadOnlySpan<byte> ipPacket, long now, int bucket, long ordinal, in TableView table, NetfilterHook hook)
    {
        _ordinal = ordinal;
        Advance(now);
        bool received = hook == NetfilterHook.PreRouting;
        bool verifyChecksum = _config.Checksum && received;
        if (p.Status != ParseStatus.Ok || p.L4Status == L4Status.NoTuple)
            return CountInvalid();
        if (p.L4Status == L4Status.Unseen)
            return PacketVerdict.Untracked;
        byte protocol = p.Tuple.Protocol;
        switch (protocol)
        {
            // ICMP errors are resolved before any lookup (nf_conntrack_handle_icmp); every other
            // protocol's header checks run after lookup and allocation, in its tracker.
            case IpProtocol.Icmp:
            case IpProtocol.IcmpV6:
                if (p.L4Status != L4Status.Ok || (verifyChecksum && !L4Checksum.IsValid(ipPacket, p)))
                {
                    _stats.Error++;
                    return PacketVerdict.Invalid;
                }
                if (protocol == IpProtocol.Icmp && p.IcmpType > 18)
                {
                    // icmp_error: types beyond NR_ICMP_TYPES are errors, not queries.
                    _stats.Error++;
                    return PacketVerdict.Invalid;
                }
                if (protocol == IpProtocol.IcmpV6 && IcmpTypes.IsUntrackedV6(p.IcmpType))
                    return PacketVerdict.Untracked;
                if (p.IsIcmpError)
                    return TrackIcmpError(p);
                break;
        }
        return TrackFlow(p, ipPacket, now, bucket < 0 ? BucketOf(p.Tuple) : bucket, table, verifyChecksum, received);
    }

    private PacketVerdict CountInvalid()
    {
        _stats.Invalid++;
        return PacketVerdict.Invalid;
    }

    /// <summary>
    /// Steps 4 to 6 of the kernel's order: lookup, and on a miss allocation (limit, early drop);
    /// the tracker's header checks, the new-entry check and the tracker; SEEN_REPLY; confirmation.
    /// </summary>
    private PacketVerdict TrackFlow(in PacketInfo p, ReadOnlySpan<byte> ipPacket, long now, int bucket, in TableView table, bool verifyChecksum, bool received)
    {
        while (true)
        {
            int node = Find(p.Tuple, bucket);
            int replyBucket = Nil;
            bool created = node == Nil;
            if (created && !TryCreate(p.Tuple, now, table, out node, out replyBucket, out var refused))
                return refused;

            int index = node >> 1;
            int dir = node & 1;
            // The trackers' *_error checks run only now: a broken packet of a new flow has already
            // been counted against nf_conntrack_max (and may have been dropped for it).
            if (!ProtocolDispatch.HeaderValid(p, ipPacket, verifyChecksum)
                || (created && !ProtocolDispatch.NewEntryAccepted(ref _entries[index], p, now, _config)))
            {
                if (created)
                    Free(index);
                return CountInvalid();
            }
            ref var entry = ref _entries[index];
            var ctinfo = dir == 1 ? CtInfo.EstablishedReply
                : (entry.Status & EntryStatus.SeenReply) != 0 ? CtInfo.Established
                : (entry.Status & EntryStatus.Expected) != 0 ? CtInfo.Related : CtInfo.New;
            // Only an event listener needs to know whether anything changed.
            var statusBefore = entry.Status;
            byte stateBefore = _sink is null ? (byte)0 : ProtocolDispatch.StateValue(entry);
            switch (RunTracker(ref entry, p, ipPacket, index, dir, created, now))
            {
                case TrackVerdict.Repeat:
                    // TCP reopen: the old connection goes, and the packet is looked up again.
                    Delete(index);
                    continue;
                case TrackVerdict.Invalid:
                    if (created)
                        Free(index);
                    return CountInvalid();
                case TrackVerdict.AcceptAndDelete:
                    Delete(index);
                    return new PacketVerdict(PacketFate.Accepted, ctinfo, Nil);
            }

            // SEEN_REPLY is set only after the tracker accepted a reply (so the first reply is judged as "unreplied").
            if (dir == 1)
                entry.Status |= EntryStatus.SeenReply;

            if (created)
            {
                // Routing drops martians after PRE_ROUTING: the unconfirmed entry dies silently.
                if (received && IpLayer.IsMartian(p.Tuple))
                {
                    Free(index);
                    return PacketVerdict.Discarded;
                }
                if (!Confirm(index, bucket, replyBucket))
                    return new PacketVerdict(PacketFate.Dropped, ctinfo, Nil);
                Emit(ConntrackEventType.New, index);
            }
            else if (_sink is not null && (entry.Status != statusBefore || ProtocolDispatch.StateValue(entry) != stateBefore))
            {
                Emit(ConntrackEventType.Update, index);
            }
            return new PacketVerdict(received && IpLayer.IsMartian(p.Tuple) ? PacketFate.Discarded : PacketFate.Accepted, ctinfo, index);
        }
    }

    /// <summary>
    /// A miss: allocation, where the limit, early drop and a table-full drop happen before any
    /// tracker has seen the packet. On success, the new entry's node and its reply tuple's bucket.
    /// </summary>
    private bool TryCreate(in FlowTuple key, long now, in TableView table, out int node, out int replyBucket, out PacketVerdict refused)
    {
        node = Nil;
        replyBucket = Nil;
        if (!key.TryInvert(out var reply))
        {
            refused = CountInvalid();
            return false;
        }
        int slot = Allocate(key, now, table, out bool tableFull);
        if (slot == Nil)
        {
            _stats.Drop++;
            if (tableFull)
                _sink?.OnTableFull(now, key);
            else
                _sink?.OnAllocationFailure(now, key);
            refused = new PacketVerdict(PacketFate.Dropped, CtInfo.Invalid, Nil);
            return false;
        }
        // Confirm walks the reply's chain: start loading its head while the tracker runs.
        replyBucket = BucketOf(reply);
        PrefetchBucket(replyBucket);
        node = slot * 2;
        refused = default;
        return true;
    }

    /// <summary>
    /// The protocol's tracker on the entry, and what its verdict means for the entry's expiry, its
    /// counters and early drop's knowledge. Deleting or freeing the entry is left to the caller.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private TrackVerdict RunTracker(ref Entry entry, in PacketInfo p, ReadOnlySpan<byte> ipPacket, int index, int dir, bool created, long now)
    {
        // Early drop's knowledge follows what the tracker does to ASSURED and to the expiry.
        var statusBefore = entry.Status;
        uint expiresBefore = entry.ExpiresTick;
        var verdict = ProtocolDispatch.Track(ref entry, p, ProtocolDispatch.L4Bytes(ipPacket, p), dir, created, now, NowTick, _config, out long timeout);
        if (!created && (statusBefore & EntryStatus.Assured) == 0 && (entry.Status & EntryStatus.Assured) != 0)
            Unassured--;
        switch (verdict)
        {
            case TrackVerdict.Repeat:
                return verdict;
            case TrackVerdict.Invalid:
                if (!created)
                    NoteExpiry(expiresBefore, entry.ExpiresTick); // an invalid FIN or RST may shorten it
                return verdict;
            case TrackVerdict.AcceptAndDelete:
                Account(index, dir, p.IpLength);
                return verdict;
            case TrackVerdict.Accept:
                if ((entry.Status & EntryStatus.FixedTimeout) == 0)
                    entry.Refresh(NowTick, timeout);
                Account(index, dir, p.IpLength);
                break;
            case TrackVerdict.AcceptUntouched:
                if (created)
                    entry.ExpiresTick = NowTick;
                break;
        }
        if (created)
            NoteExpiry(entry.ExpiresTick);
        else
            NoteExpiry(expiresBefore, entry.ExpiresTick);
        return verdict;
    }

    /// <summary>
    /// ICMP errors (icmp_error_message / nf_conntrack_inet_error): find the connection the quoted
    /// packet belongs to; RELATED without touching the entry, or the <c>error</c> counter.
    /// </summary>
    private PacketVerdict TrackIcmpError(in PacketInfo p)
    {
        if (!p.InnerValid && p.Truncated)
        {
            // The capture cut the quoted packet the kernel read its tuple from: not judged, not counted.
            return PacketVerdict.Untracked;
        }
        if (!p.InnerValid || !p.InnerTuple.TryInvert(out var target))
        {
            _stats.Error++;
            return PacketVerdict.Invalid;
        }
        // The quoted packet travelled the other way, so the entry is found through its inversion.
        int node = Find(target, BucketOf(target));
        // The found tuple is the target itself; the error must be heading where that direction's packets go.
        if (node == Nil || !SameDestination(p.Tuple, target))
        {
            _stats.Error++;
            return PacketVerdict.Invalid;
        }
        return new PacketVerdict(PacketFate.Accepted, (node & 1) == 1 ? CtInfo.RelatedReply : CtInfo.Related, node >> 1);
    }

    private static bool SameDestination(in FlowTuple a, in FlowTuple b) =>
        a.DstHi == b.DstHi && a.DstLo == b.DstLo && a.Family == b.Family;

    private void Account(int index, int dir, int bytes)
    {
        if (_counters is null)
            return;
        ref var c = ref _counters[index];
        c = dir == 0
            ? c with { OriginalPackets = c.OriginalPackets + 1, OriginalBytes = c.OriginalBytes + bytes }
            : c with { ReplyPackets = c.ReplyPackets + 1, ReplyBytes = c.ReplyBytes + bytes };
    }

    /// <summary>Looks up a tuple in either direction at <paramref name="now"/>, reaping only what it walks over.</summary>
    public bool TryGet(in FlowTuple tuple, long now, out EntryView entry)
    {
        Advance(now);
        int node = Find(tuple, BucketOf(tuple));
        entry = node == Nil ? default : View(node >> 1);
        return node != Nil;
    }

    /// <summary>Removes the entry holding <paramref name="tuple"/> (either direction), as <c>conntrack -D</c>.</summary>
    public bool Remove(in FlowTuple tuple, long now)
    {
        Advance(now);
        int node = Find(tuple, BucketOf(tuple));
        if (node == Nil)
            return false;
        Delete(node >> 1);
        return true;
    }

    /// <summary>
    /// Finds the node (2·slot + direction) whose tuple equals <paramref name="key"/>, reaping expired
    /// entries met on the way (____nf_conntrack_find). Reply nodes are matched without inverting anything.
    /// </summary>
    private int Find(in FlowTuple key, int bucket)
    {
    restart:
        for (int node = _buckets[bucket]; node != Nil; node = Next(node))
        {
            ref var entry = ref _entries[node >> 1];
            if (entry.IsExpired(NowTick))
            {
                Delete(node >> 1);
                goto restart;
            }
            if ((node & 1) == 0 ? entry.Original.Equals(key) : key.IsReplyOf(entry.Original))
                return node;
        }
        return Nil;
    }

    /// <summary>
    /// __nf_conntrack_alloc: count the entry first, then enforce <c>nf_conntrack_max</c> with early
    /// drop; then the slab allocation, which fails when the memory budget is spent.
    /// </summary>
    private int Allocate(in FlowTuple original, long now, in TableView table, out bool tableFull)
    {
        tableFull = false;
        Count++;
        if (table.ChecksLimits && !WithinLimits(original, table, out tableFull))
        {
            Count--;
            return Nil;
        }
        int slot = _freeHead;
        if (slot != Nil)
        {
            _freeHead = _entries[slot].NextOriginal;
            _freeCount--;
        }
        else
        {
            slot = PartitionLayout.SlotOf(_index, _fresh);
            if (slot >= _entries.Length)
                Grow(slot + 1, table);
            _fresh++;
        }
        ref var entry = ref _entries[slot];
        entry = default;
        entry.Original = original;
        entry.CreatedUnits = Entry.CreatedUnitsAt(_epoch, now);
        entry.ExpiresTick = NowTick;
        entry.Status = InUse;
        // Ids follow the packets that created the entries, so they are the same however the
        // partitions were scheduled.
        entry.Id = (uint)(_ordinal + 1);
        if (_counters is not null)
            _counters[slot] = default;
        return slot;
    }

    /// <summary>The global count (this entry included) against the limit, with early drop, then against the memory budget.</summary>
    private bool WithinLimits(in FlowTuple original, in TableView table, out bool tableFull)
    {
        tableFull = false;
        int total = table.EntriesElsewhere + Count;
        if (table.Max != 0 && total > table.Max)
        {
            if (!EarlyDrop(original))
            {
                _tableFullDrop = true;
                tableFull = true;
                return false;
            }
            total = table.EntriesElsewhere + Count;
        }
        return table.AllocationLimit <= 0 || total <= table.AllocationLimit;
    }

    /// <summary>
    /// Grows the arrays this partition works on, only on the coupled path (one packet at a time):
    /// the table adopts them after the packet and hands them to the other partitions.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow(int minimum, in TableView table)
    {
        if (!table.ChecksLimits)
            throw new InvalidOperationException("a concurrent segment ran out of the slots the table reserved for it");
        int capacity = PartitionLayout.GrownCapacity(_entries.Length, minimum, table.Max);
        Array.Resize(ref _entries, capacity);
        if (_counters is not null)
            Array.Resize(ref _counters, capacity);
    }

    /// <summary>Releases a slot that was never confirmed (the kernel frees the unconfirmed entry silently).</summary>
    private void Free(int slot)
    {
        _entries[slot].Status = EntryStatus.None;
        _entries[slot].NextOriginal = _freeHead;
        _freeHead = slot;
        _freeCount++;
        Count--;
    }

    /// <summary>
    /// Inserts both tuples at the head of their chains (__nf_conntrack_confirm), refusing when
    /// either chain is longer than a random limit of 50–79 nodes (stat <c>chaintoolong</c>).
    /// </summary>
    private bool Confirm(int slot, int originalBucket, int replyBucket)
    {
        ref var entry = ref _entries[slot];
        int limit = 50 + _random.Next(30);
        if (ChainLength(originalBucket, limit) > limit || ChainLength(replyBucket, limit) > limit)
        {
            _stats.ChainTooLong++;
            _stats.InsertFailed++;
            Free(slot);
            return false;
        }
        entry.Status |= EntryStatus.Confirmed;
        if ((entry.Status & EntryStatus.Assured) == 0)
            Unassured++;
        entry.NextOriginal = _buckets[originalBucket];
        _buckets[originalBucket] = slot * 2;
        entry.NextReply = _buckets[replyBucket];
        _buckets[replyBucket] = (slot * 2) + 1;
        return true;
    }

    private int ChainLength(int bucket, int limit)
    {
        int length = 0;
        for (int node = _buckets[bucket]; node != Nil && length <= limit; node = Next(node))
            length++;
        return length;
    }

    /// <summary>Removes a confirmed entry: DESTROY event, both nodes unlinked, slot freed.</summary>
    private void Delete(int slot)
    {
        Emit(ConntrackEventType.Destroy, slot);
        ref var entry = ref _entries[slot];
        if ((entry.Status & (EntryStatus.Confirmed | EntryStatus.Assured)) == EntryStatus.Confirmed)
            Unassured--;
        entry.Original.TryInvert(out var reply);
        Unlink(BucketOf(entry.Original), slot * 2);
        Unlink(BucketOf(reply), (slot * 2) + 1);
        Free(slot);
    }

    private void Unlink(int bucket, int node)
    {
        int current = _buckets[bucket];
        if (current == node)
        {
            _buckets[bucket] = Next(node);
            return;
        }
        while (current != Nil)
        {
            int following = Next(current);
            if (following == node)
            {
                Next(current) = Next(node);
                return;
            }
            current = following;
        }
    }

    /// <summary>
    /// Frees room for a new entry: from the new tuple's bucket, look at up to 8 buckets and evict
    /// every non-ASSURED entry of the first bucket that has any. Expired entries met on the way are
    /// reaped but do not count as success (the kernel does not re-check the count). The eight
    /// buckets wrap inside the partition, where the new tuple's neighbours live.
    /// </summary>
    private bool EarlyDrop(in FlowTuple original)
    {
        // A table full of ASSURED entries, none expired (a SYN flood's case): the kernel walks the
        // chains and finds nothing; knowing that, skip the walk.
        if (Unassured == 0 && Now < NoExpiryBefore)
            return false;
        int first = BucketOf(original);
        PrefetchEvictionRange(first);
        foreach (int bucket in EvictionBuckets(first))
        {
            int evicted = EvictUnassured(bucket);
            if (evicted > 0)
            {
                _stats.EarlyDrop += evicted;
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// The eight chains are independent: start loading all their heads, then their first entries,
    /// then (chains hold two nodes on average) their second ones, before walking any — on a full
    /// table this path runs for every new flow.
    /// </summary>
    private void PrefetchEvictionRange(int first)
    {
        foreach (int bucket in EvictionBuckets(first))
            PrefetchBucket(bucket);
        foreach (int bucket in EvictionBuckets(first))
            PrefetchChain(bucket);
        foreach (int bucket in EvictionBuckets(first))
            PrefetchChainSecond(bucket);
    }

    /// <summary>The eight buckets early drop looks at: from <paramref name="first"/> on, wrapping inside the partition, where a tuple's neighbours live.</summary>
    private EvictionBucketRange EvictionBuckets(int first) => new(first, _bucketBase, _bucketEnd);

    private ref struct EvictionBucketRange(int first, int bucketBase, int bucketEnd)
    {
        private int _next = first;
        private int _left = EvictionRange;

        public int Current { get; private set; }

        public readonly EvictionBucketRange GetEnumerator() => this;

        public bool MoveNext()
        {
            if (_left == 0)
                return false;
            _left--;
            Current = _next;
            _next = _next + 1 == bucketEnd ? bucketBase : _next + 1;
            return true;
        }
    }

    /// <summary>Early drop's walk of one chain: reaps the expired, evicts the unassured; returns how many it evicted.</summary>
    private int EvictUnassured(int bucket)
    {
        int evicted = 0;
    restart:
        for (int node = _buckets[bucket]; node != Nil; node = Next(node))
        {
            int slot = node >> 1;
            ref var entry = ref _entries[slot];
            if (entry.IsExpired(NowTick))
            {
                Delete(slot);
                goto restart;
            }
            if ((entry.Status & EntryStatus.Assured) != 0)
                continue;
            Delete(slot);
            evicted++;
            goto restart;
        }
        return evicted;
    }

    /// <summary>
    /// The collector's walk of this partition at <paramref name="now"/>, from its cursor: reap expired
    /// entries, sample the live ones' lifetimes, evict while the run is evicting. Returns false when
    /// the run's budget ran out; the cursor then stays on the bucket the walk stopped in, and the
    /// next run walks that bucket again from its head.
    /// </summary>
    public bool Sweep(long now, ref CollectorRun run)
    {
        uint nowTick = Entry.TickAt(_epoch, now);
        for (; _sweepCursor < _bucketSpan; _sweepCursor++)
        {
            int bucket = _bucketBase + _sweepCursor;
            if (_sweepCursor == 0)
                _sweepNoExpiryBefore = long.MaxValue;
        restart:
            for (int node = _buckets[bucket]; node != Nil; node = Next(node))
            {
                if (run.BudgetSpent)
                    return false;
                int slot = node >> 1;
                ref var entry = ref _entries[slot];
                if (entry.IsExpired(nowTick))
                {
                    Delete(slot);
                    run.Removed();
                    goto restart;
                }
                run.Sample(entry.RemainingNanos(nowTick));
                if (run.Evicting && ProtocolDispatch.CanGcEvict(entry))
                {
                    // gc_worker counts these kills against the same per-run budget as expiries.
                    Delete(slot);
                    run.Removed();
                    goto restart;
                }
                NoteExpiry(entry.ExpiresTick);
            }
        }
        // Every linked entry was either met on this walk or had its expiry noted since, so the
        // earliest of them is known again.
        NoExpiryBefore = _sweepNoExpiryBefore;
        _sweepCursor = 0;
        return true;
    }

    /// <summary>Notes an expiry that may come before every other: a new entry's, or one that was moved earlier.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void NoteExpiry(uint before, uint after)
    {
        if ((int)(after - before) < 0)
            NoteExpiry(after);
    }

    /// <summary>Notes a linked entry's expiry (its own changes, or the collector meeting it on its walk).</summary>
    private void NoteExpiry(uint tick)
    {
        // The latest time at which the entry surely is not yet expired: one tick early, because
        // Now lies anywhere within its tick.
        long at = Now + (((long)(int)(tick - NowTick) - 1) * Entry.TickNanos);
        if (at < NoExpiryBefore)
            NoExpiryBefore = at;
        if (at < _sweepNoExpiryBefore)
            _sweepNoExpiryBefore = at;
    }

    private EntryView View(int slot) => EntryView.Of(_entries, _counters, slot, _epoch, Now, NowTick);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Emit(ConntrackEventType type, int slot)
    {
        if (_sink is null)
            return;
        var view = View(slot);
        if (!_concurrent)
        {
            _sink.OnEvent(type, Now, view);
            return;
        }
        if (_deferredCount == _deferred.Length)
            Array.Resize(ref _deferred, Math.Max(64, _deferred.Length * 2));
        _deferred[_deferredCount++] = new DeferredEvent(_ordinal, type, Now, view);
    }
}

/// <summary>An event a partition held back while running concurrently, with the packet that caused it.</summary>
internal readonly record struct DeferredEvent(long Ordinal, ConntrackEventType Type, long Timestamp, EntryView Entry);
