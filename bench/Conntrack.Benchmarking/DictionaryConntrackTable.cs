using Conntrack.Flows;
using Conntrack.Packets;
using Conntrack.Protocols;
using Conntrack.Settings;
using Conntrack.Table;

namespace Conntrack.Benchmarking;

/// <summary>
/// The naive tracker every figure is compared with: the same parser and protocol trackers, but
/// entries found through a <see cref="Dictionary{TKey, TValue}"/> holding both directions' tuples.
/// No collector (expired entries are reaped when looked up) and no early drop: a full table drops.
/// The TCP header check runs after the allocation, as the kernel's does, so a broken packet of a
/// new flow on a full table is a drop there too (the table-equivalence property test relies on it).
/// </summary>
internal sealed class DictionaryConntrackTable
{
    private readonly Dictionary<FlowTuple, int> _index;
    private readonly TrackerConfig _config;
    private readonly int _max;
    private readonly Stack<int> _free = new();
    private Entry[] _entries;
    private int _used;
    private long _epoch = long.MinValue;

    public DictionaryConntrackTable(ConntrackSettings settings, int expectedFlows)
    {
        _config = new TrackerConfig(settings);
        _max = (int)settings.Max;
        _index = new Dictionary<FlowTuple, int>(expectedFlows * 2);
        _entries = new Entry[Math.Max(16, expectedFlows)];
    }

    public int Count { get; private set; }

    /// <summary>Packets refused as invalid (the kernel's <c>invalid</c> counter).</summary>
    public long Invalid { get; private set; }

    /// <summary>Packets of new flows dropped because the table was full (the kernel's <c>drop</c>).</summary>
    public long Dropped { get; private set; }

    /// <summary>Tracks one IP packet; false when it was invalid or dropped.</summary>
    public bool Process(ReadOnlySpan<byte> ipPacket, long now)
    {
        if (_epoch == long.MinValue)
            _epoch = now;
        uint tick = TickOf(now);
        PacketParser.Parse(ipPacket, 0, out var p);
        if (p.Status != ParseStatus.Ok)
            return Refuse();
        var key = p.Tuple;
        for (int attempt = 0; attempt < 2; attempt++)
        {
            int node = -1;
            if (_index.TryGetValue(key, out int found))
            {
                if (!_entries[found >> 1].IsExpired(tick))
                    node = found;
                else
                    Remove(found >> 1);
            }
            bool created = false;
            if (node < 0)
            {
                if (!key.TryInvert(out _))
                    return Refuse();
                if (_max > 0 && Count >= _max)
                {
                    Dropped++;
                    return false;
                }
                int slot = _free.Count > 0 ? _free.Pop() : NewSlot();
                ref var fresh = ref _entries[slot];
                fresh = default;
                fresh.Original = key;
                fresh.ExpiresTick = tick;
                if (!HeaderValid(p) || !ProtocolDispatch.NewEntryAccepted(ref fresh, p, now, _config))
                {
                    _free.Push(slot);
                    return Refuse();
                }
                node = slot * 2;
                created = true;
            }
            else if (!HeaderValid(p))
            {
                return Refuse();
            }
            ref var entry = ref _entries[node >> 1];
            int dir = node & 1;
            var verdict = ProtocolDispatch.Track(ref entry, p, ProtocolDispatch.L4Bytes(ipPacket, p), dir, created, now, tick, _config, out long timeout);
            switch (verdict)
            {
                case TrackVerdict.Repeat:
                    Remove(node >> 1);
                    continue;
                case TrackVerdict.Invalid:
                    if (created)
                        _free.Push(node >> 1);
                    return Refuse();
                case TrackVerdict.AcceptAndDelete:
                    if (!created)
                        Remove(node >> 1);
                    return true;
                case TrackVerdict.Accept:
                    entry.Refresh(tick, timeout);
                    break;
            }
            if (dir == 1)
                entry.Status |= EntryStatus.SeenReply;
            if (created)
            {
                key.TryInvert(out var reply);
                _index[key] = node;
                _index[reply] = node + 1;
                Count++;
            }
            return true;
        }
        return false;
    }

    /// <summary>The live (confirmed) entries, expired ones not yet reaped included.</summary>
    internal IEnumerable<Entry> Entries
    {
        get
        {
            foreach (int node in _index.Values)
            {
                if ((node & 1) == 0)
                    yield return _entries[node >> 1];
            }
        }
    }

    /// <summary>The entry holding <paramref name="tuple"/> in either direction, expired or not.</summary>
    internal bool TryGet(in FlowTuple tuple, out Entry entry)
    {
        bool found = _index.TryGetValue(tuple, out int node);
        entry = found ? _entries[node >> 1] : default;
        return found;
    }

    /// <summary>Removes the entry holding <paramref name="tuple"/>, as another tracker's collector or early drop did.</summary>
    internal void Evict(in FlowTuple tuple)
    {
        if (_index.TryGetValue(tuple, out int node))
            Remove(node >> 1);
    }

    /// <summary>The expiry tick of time <paramref name="now"/> (ticks count from the first packet).</summary>
    internal uint TickOf(long now) => (uint)((now - _epoch) / Entry.TickNanos);

    // tcp_error: flags and header, judged after the lookup and the allocation.
    private static bool HeaderValid(in PacketInfo p) => p.Tuple.Protocol != IpProtocol.Tcp || TcpTracker.IsValidPacket(p);

    private bool Refuse()
    {
        Invalid++;
        return false;
    }

    private int NewSlot()
    {
        if (_used == _entries.Length)
            Array.Resize(ref _entries, _entries.Length * 2);
        return _used++;
    }

    private void Remove(int slot)
    {
        ref var entry = ref _entries[slot];
        entry.Original.TryInvert(out var reply);
        _index.Remove(entry.Original);
        _index.Remove(reply);
        _free.Push(slot);
        Count--;
    }
}
