using System.Numerics;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
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
/// per packet once the arrays have grown. Single writer: one thread per table.
/// </summary>
public sealed partial class ConntrackTable
{
    private const int Nil = -1;
    private const int InitialCapacity = 1024;

    // A slot that holds an entry (confirmed or being judged); free slots have it clear.
    private const EntryStatus InUse = (EntryStatus)(1u << 31);

    private readonly TrackerConfig _config;
    private readonly IConntrackEventSink? _sink;
    private readonly int[] _buckets;
    private readonly ulong _seed0;
    private readonly ulong _seed1;
    private readonly int _max;
    private readonly int _allocationLimit;
    private readonly bool _accounting;
    private readonly Random _random;
    private readonly Defragmenter _defrag4;
    private readonly Defragmenter _defrag6;

    private Entry[] _entries;

    private EntryCounters[]? _counters;
    private int _freeHead = Nil;
    private int _used;
    private int _count;
    private uint _nextId = 1;
    private ConntrackStatistics _stats;
    private int _peak;
    private long _peakAt;
    private int _intervalPeak;

    // Time: entries keep 32-bit ticks from the first packet (_epoch); _now/_nowTick are the latest packet's.
    private long _epoch = long.MinValue;
    private long _now;
    private uint _nowTick;

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
        _config = new TrackerConfig(settings);
        _sink = sink;
        _buckets = new int[settings.EffectiveBuckets];
        Array.Fill(_buckets, Nil);
        _max = (int)settings.Max;
        _accounting = settings.Accounting;
        if (seed is ulong s)
        {
            _seed0 = s ^ 0x243F6A8885A308D3UL;
            _seed1 = BitOperations.RotateLeft(s, 32) ^ 0x13198A2E03707344UL;
        }
        else
        {
            Span<byte> key = stackalloc byte[16];
            RandomNumberGenerator.Fill(key);
            _seed0 = BitConverter.ToUInt64(key);
            _seed1 = BitConverter.ToUInt64(key[8..]);
        }
        _random = new Random((int)(_seed0 ^ _seed1));
        // IPv4 reassembly uses the IP stack's limits (ipfrag_time 30 s, ipfrag_high_thresh 4 MiB);
        // IPv6 conntrack reassembly has its own nf_conntrack_frag6_* settings.
        _defrag4 = new Defragmenter(30 * TrackerConfig.NanosPerSecond, 4L << 20);
        _defrag6 = new Defragmenter(settings.Get("nf_conntrack_frag6_timeout") * TrackerConfig.NanosPerSecond, settings.Get("nf_conntrack_frag6_high_thresh"));
        int capacity = _max > 0 ? Math.Min(_max, InitialCapacity) : InitialCapacity;
        _entries = new Entry[capacity];
        if (_accounting)
            _counters = new EntryCounters[capacity];
        _gcNextRun = long.MinValue;
    }

    /// <summary>Entries in the table, including expired ones the collector has not reaped yet (the kernel's <c>nf_conntrack_count</c>).</summary>
    public int Count => _count;

    /// <summary>The limit (<c>nf_conntrack_max</c>); 0 means none.</summary>
    public int Max => _max;

    /// <summary>The highest <see cref="Count"/> seen after any packet, and when (nanoseconds).</summary>
    public int PeakCount => _peak;

    public long PeakTimestamp => _peakAt;

    /// <summary>The highest count since the last call (for sampling a timeline between batches); resets to the current count.</summary>
    public int TakeIntervalPeak()
    {
        int peak = _intervalPeak;
        _intervalPeak = _count;
        return peak;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void NotePeak(long now)
    {
        if (_count > _intervalPeak)
        {
            _intervalPeak = _count;
            if (_count > _peak)
            {
                _peak = _count;
                _peakAt = now;
            }
        }
    }

    /// <summary>Hash buckets after the kernel's rounding.</summary>
    public int BucketCount => _buckets.Length;

    /// <summary>Slots allocated for entries so far (grows up to <see cref="Max"/>).</summary>
    public int Capacity => _entries.Length;

    /// <summary>Bytes this table holds per entry slot: the entry (with its chain links), and counters when accounting is on.</summary>
    public static int BytesPerEntry(bool accounting) =>
        Unsafe.SizeOf<Entry>() + (accounting ? Unsafe.SizeOf<EntryCounters>() : 0);

    /// <summary>The link after a node (2·slot + direction), kept inside the entry so a chain walk touches one cache line per node.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref int Next(int node)
    {
        ref var entry = ref _entries[node >> 1];
        return ref (node & 1) == 0 ? ref entry.NextOriginal : ref entry.NextReply;
    }

    /// <summary>Bytes held by the table now: slots, links, counters and bucket heads.</summary>
    public long MemoryBytes => ((long)_entries.Length * BytesPerEntry(_accounting)) + ((long)_buckets.Length * sizeof(int));

    public ConntrackStatistics Statistics => _stats;

    /// <summary>
    /// Takes an IP packet through what a Linux router does before and in conntrack at time
    /// <paramref name="now"/> (nanoseconds; any epoch, but never decreasing): the IP layer's header
    /// checks, fragment reassembly, then tracking.
    /// </summary>
    public PacketVerdict Process(ReadOnlySpan<byte> ipPacket, long now)
    {
        var verdict = ProcessRaw(ipPacket, now);
        NotePeak(now);
        return verdict;
    }

    private PacketVerdict ProcessRaw(ReadOnlySpan<byte> ipPacket, long now)
    {
        if (!IpLayer.Accepts(ipPacket))
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
        return ProcessParsed(in info, ipPacket, now);
    }

    private const int BatchSize = 32;

    /// <summary>
    /// Tracks a batch of IP packets in order, exactly as <see cref="Process(ReadOnlySpan{byte}, long)"/>
    /// would one by one, but first parses and hashes the whole batch and prefetches each packet's
    /// bucket and first entry, so the memory latency of one packet overlaps the others'.
    /// </summary>
    [SkipLocalsInit]
    public void ProcessBatch(ReadOnlySpan<byte> data, ReadOnlySpan<PacketSlice> packets, Span<PacketVerdict> verdicts)
    {
        if (verdicts.Length < packets.Length)
            throw new ArgumentException("one verdict per packet is needed", nameof(verdicts));
        Span<PacketInfo> infos = stackalloc PacketInfo[BatchSize];
        Span<int> buckets = stackalloc int[BatchSize];
        for (int start = 0; start < packets.Length; start += BatchSize)
        {
            var chunk = packets.Slice(start, Math.Min(BatchSize, packets.Length - start));
            // Parse and hash; fragments and broken headers take the one-by-one path (-1).
            for (int i = 0; i < chunk.Length; i++)
            {
                var ip = data.Slice(chunk[i].Offset, chunk[i].Length);
                buckets[i] = -1;
                if (!IpLayer.Accepts(ip))
                    continue;
                ref var info = ref infos[i];
                PacketParser.Parse(ip, 0, out info);
                if (info.Status != ParseStatus.Ok || info.FirstFragment)
                    continue;
                buckets[i] = BucketOf(info.Tuple);
                Prefetch.Read(ref _buckets[buckets[i]]);
            }
            for (int i = 0; i < chunk.Length; i++)
            {
                if (buckets[i] >= 0 && _buckets[buckets[i]] is int head and not Nil)
                {
                    ref var entry = ref _entries[head >> 1];
                    Prefetch.Read(ref entry);
                    Prefetch.Read(ref entry.Proto);
                }
            }
            for (int i = 0; i < chunk.Length; i++)
            {
                var slice = chunk[i];
                var ip = data.Slice(slice.Offset, slice.Length);
                verdicts[start + i] = buckets[i] >= 0 ? ProcessParsed(infos[i], ip, slice.Timestamp, buckets[i]) : ProcessRaw(ip, slice.Timestamp);
                NotePeak(slice.Timestamp);
            }
        }
    }

    /// <summary>
    /// Tracks an already parsed packet that has been through the IP layer and reassembly;
    /// <paramref name="ipPacket"/> is used only for checksum verification.
    /// </summary>
    public PacketVerdict Process(in PacketInfo p, ReadOnlySpan<byte> ipPacket, long now)
    {
        var verdict = ProcessParsed(p, ipPacket, now);
        NotePeak(now);
        return verdict;
    }

    private PacketVerdict ProcessParsed(in PacketInfo p, ReadOnlySpan<byte> ipPacket, long now, int bucket = -1)
    {
        Advance(now);
        if (now >= _gcNextRun)
            RunCollector(now);

        if (p.Status != ParseStatus.Ok)
        {
            _stats.Invalid++;
            return PacketVerdict.Invalid;
        }

        if (p.L4Status == L4Status.NoTuple)
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
                    return TrackIcmpError(p, now);
                break;
        }
        return TrackFlow(p, ipPacket, now, bucket);
    }

    /// <summary>The L4 header and payload as far as both the IP header and the capture go.</summary>
    internal static ReadOnlySpan<byte> L4Bytes(ReadOnlySpan<byte> ipPacket, in PacketInfo p) =>
        p.L4Offset >= ipPacket.Length ? [] : ipPacket.Slice(p.L4Offset, Math.Min(p.L4Length, ipPacket.Length - p.L4Offset));

    /// <summary>Moves the table's clock to <paramref name="now"/>; time never runs backwards inside.</summary>
    private void Advance(long now)
    {
        if (_epoch == long.MinValue)
            _epoch = now;
        if (now < _now)
            return;
        _now = now;
        _nowTick = (uint)((now - _epoch) / Entry.TickNanos);
    }

    /// <summary>tcp_error, udp_error, sctp_error and the like: header sanity, flags, checksums.</summary>
    private bool HeaderValid(in PacketInfo p, ReadOnlySpan<byte> ipPacket) => p.Tuple.Protocol switch
    {
        IpProtocol.Tcp => TcpTracker.IsValidPacket(p) && (!_config.Checksum || L4Checksum.IsValid(ipPacket, p)),
        IpProtocol.Udp or IpProtocol.UdpLite => UdpTracker.IsValidPacket(p) && (!_config.Checksum || L4Checksum.IsValid(ipPacket, p)),
        IpProtocol.Sctp => p.L4Status == L4Status.Ok && SctpTracker.IsValidPacket(L4Bytes(ipPacket, p), _config.Checksum, p.Truncated),
        IpProtocol.Dccp => p.L4Status == L4Status.Ok,
        _ => true,
    };

    private PacketVerdict CountInvalid()
    {
        _stats.Invalid++;
        return PacketVerdict.Invalid;
    }

    // bucket: the tuple's bucket when the caller has already hashed it, else -1.
    private PacketVerdict TrackFlow(in PacketInfo p, ReadOnlySpan<byte> ipPacket, long now, int bucket)
    {
        while (true)
        {
            var key = p.Tuple;
            int node = Find(key, now, bucket);
            bucket = -1; // a repeat after a reopen looks up afresh
            bool created = false;
            if (node == Nil)
            {
                if (!key.TryInvert(out _))
                    return CountInvalid();
                // The limit is checked here, before the tracker has judged the packet.
                int slot = Allocate(key, now, out bool tableFull);
                if (slot == Nil)
                {
                    _stats.Drop++;
                    if (tableFull)
                        _sink?.OnTableFull(now, key);
                    else
                        _sink?.OnAllocationFailure(now, key);
                    return new PacketVerdict(PacketFate.Dropped, CtInfo.Invalid, Nil);
                }
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
            byte stateBefore = _sink is null ? (byte)0 : ProtocolStateValue(entry);

            var verdict = ProtocolDispatch.Track(ref entry, p, L4Bytes(ipPacket, p), dir, created, now, _nowTick, _config, out long timeout);
            switch (verdict)
            {
                case TrackVerdict.Repeat:
                    // TCP reopen: the old connection goes, and the packet is looked up again.
                    Delete(index, now);
                    continue;
                case TrackVerdict.Invalid:
                    if (created)
                        Free(index);
                    return CountInvalid();
                case TrackVerdict.AcceptAndDelete:
                    Account(index, dir, p.IpLength);
                    Delete(index, now);
                    return new PacketVerdict(PacketFate.Accepted, ctinfo, Nil);
                case TrackVerdict.Accept:
                    if ((entry.Status & EntryStatus.FixedTimeout) == 0)
                        entry.Refresh(_nowTick, timeout);
                    Account(index, dir, p.IpLength);
                    break;
                case TrackVerdict.AcceptUntouched:
                    if (created)
                        entry.ExpiresTick = _nowTick;
                    break;
            }

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
                if (!Confirm(index))
                    return new PacketVerdict(PacketFate.Dropped, ctinfo, Nil);
                Emit(ConntrackEventType.New, index);
            }
            else if (_sink is not null && (entry.Status != statusBefore || ProtocolStateValue(entry) != stateBefore))
            {
                Emit(ConntrackEventType.Update, index);
            }
            return new PacketVerdict(IpLayer.IsMartian(p.Tuple) ? PacketFate.Discarded : PacketFate.Accepted, ctinfo, index);
        }
    }

    internal static byte ProtocolStateValue(in Entry entry) => entry.Original.Protocol switch
    {
        IpProtocol.Tcp => (byte)entry.Proto.Tcp.State,
        IpProtocol.Sctp => (byte)entry.Proto.Sctp.State,
        _ => 0,
    };

    /// <summary>
    /// ICMP errors (icmp_error_message / nf_conntrack_inet_error): find the connection the quoted
    /// packet belongs to; RELATED without touching the entry, or the <c>error</c> counter.
    /// </summary>
    private PacketVerdict TrackIcmpError(in PacketInfo p, long now)
    {
        if (!p.InnerValid || !p.InnerTuple.TryInvert(out var target))
        {
            _stats.Error++;
            return PacketVerdict.Invalid;
        }
        // The quoted packet travelled the other way, so the entry is found through its inversion.
        int node = Find(target, now);
        if (node == Nil)
        {
            _stats.Error++;
            return PacketVerdict.Invalid;
        }
        // The found tuple is the target itself; the error must be heading where that direction's packets go.
        if (!SameDestination(p.Tuple, target))
        {
            _stats.Error++;
            return PacketVerdict.Invalid;
        }
        int index = node >> 1;
        int dir = node & 1;
        return new PacketVerdict(PacketFate.Accepted, dir == 1 ? CtInfo.RelatedReply : CtInfo.Related, index);
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int BucketOf(in FlowTuple t)
    {
        // Keyed multiply-fold (as in wyhash): each 64x64→128-bit product of key-mixed words folds
        // to 64 bits; the first two products are independent, so the latency is two multiplies.
        // The per-table random key makes bucket placement unpredictable from outside, as the
        // kernel's siphash key does.
        ulong a = Fold(t.SrcLo ^ _seed0, t.DstLo ^ _seed1);
        ulong b = Fold(t.SrcHi ^ _seed1 ^ 0xA0761D6478BD642FUL, t.DstHi ^ _seed0 ^ 0xE7037ED1A0B428DBUL);
        ulong h = Fold(a ^ t.MetaWord, b ^ 0x8EBC6AF09C88C6E3UL);
        return (int)(((h >> 32) * (ulong)(uint)_buckets.Length) >> 32);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Fold(ulong x, ulong y)
    {
        ulong high = Math.BigMul(x, y, out ulong low);
        return high ^ low;
    }

    /// <summary>
    /// Finds the node (2·slot + direction) whose tuple equals <paramref name="key"/>, reaping expired
    /// entries met on the way (____nf_conntrack_find). Reply nodes are matched without inverting anything.
    /// </summary>
    private int Find(in FlowTuple key, long now, int bucket = -1)
    {
        if (bucket < 0)
            bucket = BucketOf(key);
    restart:
        for (int node = _buckets[bucket]; node != Nil; node = Next(node))
        {
            ref var entry = ref _entries[node >> 1];
            if (entry.IsExpired(_nowTick))
            {
                Delete(node >> 1, now);
                goto restart;
            }
            if ((node & 1) == 0 ? entry.Original.Equals(key) : key.IsReplyOf(entry.Original))
                return node;
        }
        return Nil;
    }
    /// <summary>Looks up a tuple in either direction without changing anything but reaping expired entries.</summary>
    public bool TryGet(in FlowTuple tuple, long now, out EntryView entry)
    {
        Advance(now);
        int node = Find(tuple, now);
        if (node == Nil)
        {
            entry = default;
            return false;
        }
        entry = View(node >> 1);
        return true;
    }

    /// <summary>
    /// __nf_conntrack_alloc: count the entry first, then enforce <c>nf_conntrack_max</c> with early
    /// drop; then the slab allocation, which fails when the memory budget is spent.
    /// </summary>
    private int Allocate(in FlowTuple original, long now, out bool tableFull)
    {
        tableFull = false;
        _count++;
        if (_max != 0 && _count > _max && !EarlyDrop(original, now))
        {
            _count--;
            _gcEarlyDrop = true;
            tableFull = true;
            return Nil;
        }
        if (_allocationLimit > 0 && _count > _allocationLimit)
        {
            _count--;
            return Nil;
        }
        int slot = _freeHead;
        if (slot != Nil)
        {
            _freeHead = _entries[slot].NextOriginal;
        }
        else
        {
            if (_used == _entries.Length)
                Grow();
            slot = _used++;
        }
        ref var entry = ref _entries[slot];
        entry = default;
        entry.Original = original;
        entry.CreatedUnits = (uint)((now - _epoch) / Entry.CreatedUnitNanos);
        entry.ExpiresTick = _nowTick;
        entry.Status = InUse;
        entry.Id = _nextId++;
        if (_counters is not null)
            _counters[slot] = default;
        return slot;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow()
    {
        int capacity = _entries.Length * 2;
        if (_max > 0)
            capacity = Math.Min(capacity, _max);
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
        _count--;
    }

    /// <summary>
    /// Inserts both tuples at the head of their chains (__nf_conntrack_confirm), refusing when
    /// either chain is longer than a random limit of 50–79 nodes (stat <c>chaintoolong</c>).
    /// </summary>
    private bool Confirm(int slot)
    {
        ref var entry = ref _entries[slot];
        entry.Original.TryInvert(out var reply);
        int originalBucket = BucketOf(entry.Original);
        int replyBucket = BucketOf(reply);
        int limit = 50 + _random.Next(30);
        if (ChainLength(originalBucket, limit) > limit || ChainLength(replyBucket, limit) > limit)
        {
            _stats.ChainTooLong++;
            _stats.InsertFailed++;
            Free(slot);
            return false;
        }
        entry.Status |= EntryStatus.Confirmed;
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
    private void Delete(int slot, long now)
    {
        _ = now;
        Emit(ConntrackEventType.Destroy, slot);
        ref var entry = ref _entries[slot];
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

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Emit(ConntrackEventType type, int slot)
    {
        if (_sink is null)
            return;
        var view = View(slot);
        _sink.OnEvent(type, _now, view);
    }

    private EntryView View(int slot)
    {
        ref var entry = ref _entries[slot];
        long expiresAt = _now + entry.RemainingNanos(_nowTick);
        long createdAt = _epoch + (entry.CreatedUnits * Entry.CreatedUnitNanos);
        return new EntryView(entry, slot, expiresAt, createdAt, _counters is null ? default : _counters[slot], _counters is not null);
    }

    /// <summary>The tick of a time at or after the latest packet (for snapshots taken later than the last packet).</summary>
    private uint TickAt(long time) => _epoch == long.MinValue ? 0 : (uint)((Math.Max(time, _now) - _epoch) / Entry.TickNanos);

    /// <summary>Removes the entry holding <paramref name="tuple"/> (either direction), as <c>conntrack -D</c>.</summary>
    public bool Remove(in FlowTuple tuple, long now)
    {
        Advance(now);
        int node = Find(tuple, now);
        if (node == Nil)
            return false;
        Delete(node >> 1, now);
        return true;
    }

    /// <summary>
    /// The live entries at <paramref name="now"/> (expired ones are skipped, as a /proc read would
    /// reap them), in creation order. For dumps and reports, not for the packet path.
    /// </summary>
    public IReadOnlyList<EntryView> Snapshot(long now)
    {
        var list = new List<EntryView>(_count);
        for (int slot = 0; slot < _used; slot++)
        {
            ref var entry = ref _entries[slot];
            if ((entry.Status & EntryStatus.Confirmed) != 0 && entry.RemainingNanos(TickAt(now)) > 0)
                list.Add(View(slot));
        }
        list.Sort(static (a, b) => a.Id.CompareTo(b.Id));
        return list;
    }
}
