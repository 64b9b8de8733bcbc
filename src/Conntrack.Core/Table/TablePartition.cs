using System.Runtime.CompilerServices;
using Conntrack.Flows;
using Conntrack.Packets;
using Conntrack.Protocols;

namespace Conntrack.Table;

/// <summary>
/// One of a table's partitions: a contiguous range of its hash buckets, the entries linked into
/// them (one block of slots in every <c>stride</c>), and its own free list, count, counters
/// and clock. A flow's partition comes from a direction-symmetric hash, so both of its tuples —
/// and everything a packet of it can touch (lookup, reaping, early drop) — stay inside one
/// partition. That makes partitions independent: within a batch segment the table has cleared of
/// global effects (limit, collector, fragments), they can be tracked on different threads, and the
/// kernel keeps its per-CPU statistics the same way, as counters summed when read.
/// </summary>
internal sealed class TablePartition
{
    private const int Nil = -1;

    // A slot that holds an entry (confirmed or being judged); free slots have it clear.
    internal const EntryStatus InUse = (EntryStatus)(1u << 31);

    private readonly ConntrackTable _table;
    private readonly TrackerConfig _config;
    private readonly IConntrackEventSink? _sink;
    private readonly int[] _buckets;
    private readonly int _bucketBase;
    private readonly int _bucketSpan;
    private readonly int _index;
    private readonly int _stride;
    private readonly Random _random;

    private Entry[] _entries;
    private EntryCounters[]? _counters;
    private int _freeHead = Nil;
    private long _ordinal;
    private DeferredEvent[] _deferred = [];

    private long _sweepNoExpiryBefore = long.MaxValue;

    /// <summary>Entries of this partition (the table's count is the sum).</summary>
    public int Count;

    /// <summary>Free slots on this partition's list.</summary>
    public int FreeCount;

    /// <summary>Slots this partition has ever taken from the array (its k-th is k·stride + index).</summary>
    public int Fresh;

    public ConntrackStatistics Stats;

    /// <summary>The latest packet time this partition has seen, and its tick.</summary>
    public long Now = long.MinValue;
    public uint NowTick;

    /// <summary>
    /// Set while the partition runs concurrently with others: the limits are not checked (the table
    /// has made sure the segment cannot reach them) and events are held back for the table to merge.
    /// </summary>
    public bool Concurrent;

    /// <summary>Events held back while <see cref="Concurrent"/>, in order.</summary>
    public int DeferredCount;

    // What early drop could find: when there are no unassured entries and none has expired, its
    // walk of eight chains would change nothing.

    /// <summary>Linked entries without ASSURED.</summary>
    public int Unassured { get; private set; }

    /// <summary>A time before which no linked entry expires (it may be earlier than the earliest expiry).</summary>
    public long NoExpiryBefore { get; private set; } = long.MaxValue;

    public TablePartition(ConntrackTable table, int index, int stride, int[] buckets, TrackerConfig config, IConntrackEventSink? sink, int randomSeed)
    {
        _table = table;
        _index = index;
        _stride = stride;
        _buckets = buckets;
        _bucketSpan = buckets.Length / stride;
        _bucketBase = index * _bucketSpan;
        _config = config;
        _sink = sink;
        _random = new Random(randomSeed);
        _entries = [];
    }

    public ReadOnlySpan<DeferredEvent> Deferred => _deferred.AsSpan(0, DeferredCount);

    /// <summary>Picks up the table's arrays after they grew.</summary>
    public void Attach(Entry[] entries, EntryCounters[]? counters)
    {
        _entries = entries;
        _counters = counters;
    }

    /// <summary>
    /// The slot of this partition's <paramref name="fresh"/>-th never-used entry. Partitions take
    /// the array in interleaved blocks, so the slots are the same however the partitions were
    /// scheduled, and entries created one after another still lie side by side.
    /// </summary>
    public int SlotIndex(int fresh) => (((fresh / ConntrackTable.SlotBlock * _stride) + _index) * ConntrackTable.SlotBlock) + (fresh % ConntrackTable.SlotBlock);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int BucketOf(in FlowTuple t) => _bucketBase + (int)(((_table.Hash(t) >> 32) * (ulong)(uint)_bucketSpan) >> 32);

    /// <summary>Moves this partition's clock to <paramref name="now"/>; it never runs backwards.</summary>
    public void Advance(long now)
    {
        if (now < Now)
            return;
        Now = now;
        NowTick = _table.TickOf(now);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref int Next(int node)
    {
        ref var entry = ref _entries[node >> 1];
        return ref (node & 1) == 0 ? ref entry.NextOriginal : ref entry.NextReply;
    }

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
    /// </summary>
    public PacketVerdict Track(in PacketInfo p, ReadOnlySpan<byte> ipPacket, long now, int bucket, long ordinal)
    {
        _ordinal = ordinal;
        Advance(now);
        if (p.Status != ParseStatus.Ok || p.L4Status == L4Status.NoTuple)
            return CountInvalid();
        byte protocol = p.Tuple.Protocol;
        switch (protocol)
        {
            // ICMP errors are resolved before any lookup (nf_conntrack_handle_icmp); every other
            // protocol's header checks run after lookup and allocation, in its tracker.
            case IpProtocol.Icmp:
            case IpProtocol.IcmpV6:
                if (p.L4Status != L4Status.Ok || (_config.Checksum && !L4Checksum.IsValid(ipPacket, p)))
                {
                    Stats.Error++;
                    return PacketVerdict.Invalid;
                }
                if (protocol == IpProtocol.Icmp && p.IcmpType > 18)
                {
                    // icmp_error: types beyond NR_ICMP_TYPES are errors, not queries.
                    Stats.Error++;
                    return PacketVerdict.Invalid;
                }
                if (protocol == IpProtocol.IcmpV6 && IcmpTypes.IsUntrackedV6(p.IcmpType))
                    return PacketVerdict.Untracked;
                if (p.IsIcmpError)
                    return TrackIcmpError(p);
                break;
        }
        return TrackFlow(p, ipPacket, now, bucket);
    }

    /// <summary>tcp_error, udp_error, sctp_error and the like: header sanity, flags, checksums.</summary>
    private bool HeaderValid(in PacketInfo p, ReadOnlySpan<byte> ipPacket) => p.Tuple.Protocol switch
    {
        IpProtocol.Tcp => TcpTracker.IsValidPacket(p) && (!_config.Checksum || L4Checksum.IsValid(ipPacket, p)),
        IpProtocol.Udp or IpProtocol.UdpLite => UdpTracker.IsValidPacket(p) && (!_config.Checksum || L4Checksum.IsValid(ipPacket, p)),
        IpProtocol.Sctp => p.L4Status == L4Status.Ok && SctpTracker.IsValidPacket(ConntrackTable.L4Bytes(ipPacket, p), _config.Checksum, p.Truncated),
        IpProtocol.Dccp => p.L4Status == L4Status.Ok,
        _ => true,
    };

    private PacketVerdict CountInvalid()
    {
        Stats.Invalid++;
        return PacketVerdict.Invalid;
    }

    // bucket: the tuple's bucket when the caller has already hashed it, else -1.
    private PacketVerdict TrackFlow(in PacketInfo p, ReadOnlySpan<byte> ipPacket, long now, int bucket)
    {
        while (true)
        {
            var key = p.Tuple;
            if (bucket < 0)
                bucket = BucketOf(key);
            int node = Find(key, bucket);
            int replyBucket = Nil;
            bool created = false;
            if (node == Nil)
            {
                if (!key.TryInvert(out var reply))
                    return CountInvalid();
                // The limit is checked here, before the tracker has judged the packet.
                int slot = Allocate(key, now, out bool tableFull);
                if (slot == Nil)
                {
                    Stats.Drop++;
                    if (tableFull)
                        _sink?.OnTableFull(now, key);
                    else
                        _sink?.OnAllocationFailure(now, key);
                    return new PacketVerdict(PacketFate.Dropped, CtInfo.Invalid, Nil);
                }
                // Confirm walks the reply's chain: start loading its head while the tracker runs.
                replyBucket = BucketOf(reply);
                Prefetch.Read(ref _buckets[replyBucket]);
                node = slot * 2;
                created = true;
            }

            int index = node >> 1;
            int dir = node & 1;
            // The trackers' *_error checks run only now: a broken packet of a new flow has already
            // been counted against nf_conntrack_max (and may have been dropped for it).
            if (!HeaderValid(p, ipPacket))
            {
                if (created)
                    Free(index);
                return CountInvalid();
            }
            if (created && !ProtocolDispatch.NewEntryAccepted(ref _entries[index], p, now, _config))
            {
                Free(index);
                return CountInvalid();
            }
            ref var entry = ref _entries[index];
            var ctinfo = dir == 1 ? CtInfo.EstablishedReply
                : (entry.Status & EntryStatus.SeenReply) != 0 ? CtInfo.Established
                : (entry.Status & EntryStatus.Expected) != 0 ? CtInfo.Related : CtInfo.New;
            // Only an event listener needs to know whether anything changed.
            var statusBefore = entry.Status;
            byte stateBefore = _sink is null ? (byte)0 : ConntrackTable.ProtocolStateValue(entry);
            // Early drop's knowledge follows what the tracker does to ASSURED and to the expiry.
            uint expiresBefore = entry.ExpiresTick;
            var verdict = ProtocolDispatch.Track(ref entry, p, ConntrackTable.L4Bytes(ipPacket, p), dir, created, now, NowTick, _config, out long timeout);
            if (!created && (statusBefore & EntryStatus.Assured) == 0 && (entry.Status & EntryStatus.Assured) != 0)
                Unassured--;
            switch (verdict)
            {
                case TrackVerdict.Repeat:
                    // TCP reopen: the old connection goes, and the packet is looked up again.
                    Delete(index);
                    continue;
                case TrackVerdict.Invalid:
                    if (created)
                        Free(index);
                    else
                        NoteExpiry(expiresBefore, entry.ExpiresTick); // an invalid FIN or RST may shorten it
                    return CountInvalid();
                case TrackVerdict.AcceptAndDelete:
                    Account(index, dir, p.IpLength);
                    Delete(index);
                    return new PacketVerdict(PacketFate.Accepted, ctinfo, Nil);
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

            // SEEN_REPLY is set only after the tracker accepted a reply (so the first reply is judged as "unreplied").
            if (dir == 1)
                entry.Status |= EntryStatus.SeenReply;

            if (created)
            {
                // Routing drops martians after PRE_ROUTING: the unconfirmed entry dies silently.
                if (IpLayer.IsMartian(p.Tuple))
                {
                    Free(index);
                    return PacketVerdict.Discarded;
                }
                if (!Confirm(index, bucket, replyBucket))
                    return new PacketVerdict(PacketFate.Dropped, ctinfo, Nil);
                Emit(ConntrackEventType.New, index);
            }
            else if (_sink is not null && (entry.Status != statusBefore || ConntrackTable.ProtocolStateValue(entry) != stateBefore))
            {
                Emit(ConntrackEventType.Update, index);
            }
            return new PacketVerdict(IpLayer.IsMartian(p.Tuple) ? PacketFate.Discarded : PacketFate.Accepted, ctinfo, index);
        }
    }

    /// <summary>
    /// ICMP errors (icmp_error_message / nf_conntrack_inet_error): find the connection the quoted
    /// packet belongs to; RELATED without touching the entry, or the <c>error</c> counter.
    /// </summary>
    private PacketVerdict TrackIcmpError(in PacketInfo p)
    {
        if (!p.InnerValid || !p.InnerTuple.TryInvert(out var target))
        {
            Stats.Error++;
            return PacketVerdict.Invalid;
        }
        // The quoted packet travelled the other way, so the entry is found through its inversion.
        int node = Find(target);
        // The found tuple is the target itself; the error must be heading where that direction's packets go.
        if (node == Nil || !SameDestination(p.Tuple, target))
        {
            Stats.Error++;
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

    /// <summary>
    /// Finds the node (2·slot + direction) whose tuple equals <paramref name="key"/>, reaping expired
    /// entries met on the way (____nf_conntrack_find). Reply nodes are matched without inverting anything.
    /// </summary>
    public int Find(in FlowTuple key, int bucket = -1)
    {
        if (bucket < 0)
            bucket = BucketOf(key);
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
    private int Allocate(in FlowTuple original, long now, out bool tableFull)
    {
        tableFull = false;
        Count++;
        if (!Concurrent)
        {
            int max = _table.Max;
            int total = _table.Count;
            if (max != 0 && total > max)
            {
                if (!EarlyDrop(original))
                {
                    Count--;
                    _table.NoteTableFull();
                    tableFull = true;
                    return Nil;
                }
                total = _table.Count;
            }
            if (_table.AllocationLimit > 0 && total > _table.AllocationLimit)
            {
                Count--;
                return Nil;
            }
        }
        int slot = _freeHead;
        if (slot != Nil)
        {
            _freeHead = _entries[slot].NextOriginal;
            FreeCount--;
        }
        else
        {
            slot = SlotIndex(Fresh);
            if (slot >= _entries.Length)
                _table.Grow(slot + 1);
            Fresh++;
        }
        ref var entry = ref _entries[slot];
        entry = default;
        entry.Original = original;
        entry.CreatedUnits = _table.CreatedUnitsOf(now);
        entry.ExpiresTick = NowTick;
        entry.Status = InUse;
        // Ids follow the packets that created the entries, so they are the same however the
        // partitions were scheduled.
        entry.Id = (uint)(_ordinal + 1);
        if (_counters is not null)
            _counters[slot] = default;
        return slot;
    }

    /// <summary>Releases a slot that was never confirmed (the kernel frees the unconfirmed entry silently).</summary>
    private void Free(int slot)
    {
        _entries[slot].Status = EntryStatus.None;
        _entries[slot].NextOriginal = _freeHead;
        _freeHead = slot;
        FreeCount++;
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
            Stats.ChainTooLong++;
            Stats.InsertFailed++;
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
    public void Delete(int slot)
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
        const int evictionRange = 8; // NF_CT_EVICTION_RANGE
        // A table full of ASSURED entries, none expired (a SYN flood's case): the kernel walks the
        // chains and finds nothing; knowing that, skip the walk.
        if (Unassured == 0 && Now < NoExpiryBefore)
            return false;
        int first = BucketOf(original);
        int end = _bucketBase + _bucketSpan;
        // The eight chains are independent: start loading all their heads, then their first
        // entries, before walking any (on a full table this path runs for every new flow).
        for (int i = 0, b = first; i < evictionRange; i++, b = b + 1 == end ? _bucketBase : b + 1)
            Prefetch.Read(ref _buckets[b]);
        for (int i = 0, b = first; i < evictionRange; i++, b = b + 1 == end ? _bucketBase : b + 1)
            PrefetchChain(b);
        // Chains hold two nodes on average: fetch the second ones too while the first arrive.
        for (int i = 0, b = first; i < evictionRange; i++, b = b + 1 == end ? _bucketBase : b + 1)
            PrefetchChainSecond(b);
        int bucket = first;
        for (int i = 0; i < evictionRange; i++, bucket = bucket + 1 == end ? _bucketBase : bucket + 1)
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
            if (evicted > 0)
            {
                Stats.EarlyDrop += evicted;
                return true;
            }
        }
        return false;
    }

    /// <summary>Notes an expiry that may come before every other: a new entry's, or one that was moved earlier.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void NoteExpiry(uint before, uint after)
    {
        if ((int)(after - before) < 0)
            NoteExpiry(after);
    }

    /// <summary>Notes a linked entry's expiry (its own changes, or the collector meeting it on its walk).</summary>
    public void NoteExpiry(uint tick)
    {
        // The latest time at which the entry surely is not yet expired: one tick early, because
        // Now lies anywhere within its tick.
        long at = Now + (((long)(int)(tick - NowTick) - 1) * Entry.TickNanos);
        if (at < NoExpiryBefore)
            NoExpiryBefore = at;
        if (at < _sweepNoExpiryBefore)
            _sweepNoExpiryBefore = at;
    }

    /// <summary>The collector starts walking this partition's buckets.</summary>
    public void BeginSweep() => _sweepNoExpiryBefore = long.MaxValue;

    /// <summary>
    /// The collector has walked all of this partition's buckets: every linked entry was either met on
    /// the way or had its expiry noted since, so the earliest of them is known again.
    /// </summary>
    public void EndSweep() => NoExpiryBefore = _sweepNoExpiryBefore;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Emit(ConntrackEventType type, int slot)
    {
        if (_sink is null)
            return;
        var view = _table.View(slot, Now, NowTick);
        if (!Concurrent)
        {
            _sink.OnEvent(type, Now, view);
            return;
        }
        if (DeferredCount == _deferred.Length)
            Array.Resize(ref _deferred, Math.Max(64, _deferred.Length * 2));
        _deferred[DeferredCount++] = new DeferredEvent(_ordinal, type, Now, view);
    }
}

/// <summary>An event a partition held back while running concurrently, with the packet that caused it.</summary>
internal readonly record struct DeferredEvent(long Ordinal, ConntrackEventType Type, long Timestamp, EntryView Entry);
