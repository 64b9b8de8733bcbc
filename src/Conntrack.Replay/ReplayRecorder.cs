using Conntrack.Replay.KernelLog;
using Conntrack.Flows;
using Conntrack.Table;
using Conntrack.Timeouts;

namespace Conntrack.Replay;

/// <summary>
/// Watches a replay through the table's events: entries created and destroyed, entry-seconds per
/// timeout class (the area under each class's count), how long entries were held by class, drops
/// with the kernel log they would print, and the distinct flows that lost packets. Allocation-free per event once its arrays have grown.
/// </summary>
internal sealed class ReplayRecorder(TableFullLog log) : IConntrackEventSink
{
    private const int MaxLostFlows = 1 << 20;

    private readonly long[] _countByClass = new long[EntryClass.Count];
    private readonly double[] _secondsByClass = new double[EntryClass.Count];
    private readonly HashSet<FlowTuple> _lostFlows = [];
    private readonly HoldingTimes _holding = new();
    private byte[] _classBySlot = new byte[1024];
    private long[] _classSinceBySlot = new long[1024];
    private long _integratedTo = long.MinValue;

    public long Created;
    public long Destroyed;
    public long TableFullDrops;
    public long AllocationFailures;

    /// <summary>Set on the first table-full drop so the runner can take a snapshot outside the callback.</summary>
    public bool FirstDropPending;

    public TableFullLog Log => log;

    /// <summary>Distinct flows that had a packet dropped (counting stops at 2^20 flows).</summary>
    public long LostFlows => _lostFlows.Count;

    public bool LostFlowsCapped => _lostFlows.Count >= MaxLostFlows;

    public void OnEvent(ConntrackEventType type, long timestampNanoseconds, in EntryView entry)
    {
        Integrate(timestampNanoseconds);
        int slot = entry.Slot;
        if (slot >= _classBySlot.Length)
        {
            int length = Math.Max(slot + 1, _classBySlot.Length * 2);
            Array.Resize(ref _classBySlot, length);
            Array.Resize(ref _classSinceBySlot, length);
        }
        switch (type)
        {
            case ConntrackEventType.New:
                Created++;
                _holding.Begin(timestampNanoseconds);
                _classBySlot[slot] = (byte)EntryClass.Of(entry);
                _classSinceBySlot[slot] = timestampNanoseconds;
                _countByClass[_classBySlot[slot]]++;
                break;
            case ConntrackEventType.Update:
                byte now = (byte)EntryClass.Of(entry);
                if (now != _classBySlot[slot])
                    _classSinceBySlot[slot] = timestampNanoseconds;
                _countByClass[_classBySlot[slot]]--;
                _classBySlot[slot] = now;
                _countByClass[now]++;
                break;
            case ConntrackEventType.Destroy:
                Destroyed++;
                _countByClass[_classBySlot[slot]]--;
                // Early drop and flushes end an entry before its expiry: it was held until now.
                _holding.AddHeld(_classBySlot[slot], entry.CreatedAt, Math.Min(entry.ExpiresAt, timestampNanoseconds) - entry.CreatedAt, _classSinceBySlot[slot] - entry.CreatedAt);
                break;
        }
    }

    /// <summary>
    /// Completes the holding times with the entries in the table at the end (expired ones the
    /// collector has not reaped included): open-ended ones (an established
    /// connection may last any time) are counted as open; the others wait out their timeout.
    /// </summary>
    public HoldingTimes Holding(IReadOnlyList<EntryView> entriesAtEnd, long end)
    {
        foreach (var e in entriesAtEnd)
        {
            int entryClass = _classBySlot[e.Slot];
            _holding.CountAtEnd(entryClass);
            if (EntryClass.IsOpenEnded(entryClass))
                _holding.AddOpen(entryClass, e.CreatedAt);
            else
                _holding.AddHeld(entryClass, e.CreatedAt, e.ExpiresAt - e.CreatedAt, _classSinceBySlot[e.Slot] - e.CreatedAt);
        }
        _holding.Finish(end);
        return _holding;
    }

    public void OnTableFull(long timestampNanoseconds, in FlowTuple flow)
    {
        if (TableFullDrops == 0)
            FirstDropPending = true;
        TableFullDrops++;
        log.TableFull(timestampNanoseconds);
        RememberLost(flow);
    }

    public void OnAllocationFailure(long timestampNanoseconds, in FlowTuple flow)
    {
        AllocationFailures++;
        log.AllocationFailure(timestampNanoseconds);
        RememberLost(flow);
    }

    private void RememberLost(in FlowTuple flow)
    {
        if (_lostFlows.Count < MaxLostFlows)
            _lostFlows.Add(flow);
    }

    /// <summary>Adds each class's count × elapsed time since the last event.</summary>
    public void Integrate(long now)
    {
        if (_integratedTo != long.MinValue && now > _integratedTo)
        {
            double seconds = (now - _integratedTo) / 1e9;
            for (int i = 0; i < _countByClass.Length; i++)
                _secondsByClass[i] += _countByClass[i] * seconds;
        }
        if (now > _integratedTo)
            _integratedTo = now;
    }

    /// <summary>Entry-seconds per class, largest first (classes never seen omitted).</summary>
    public IReadOnlyList<EntrySeconds> EntrySeconds()
    {
        var list = new List<EntrySeconds>();
        double total = _secondsByClass.Sum();
        for (int i = 0; i < _secondsByClass.Length; i++)
        {
            if (_secondsByClass[i] > 0)
                list.Add(new EntrySeconds(EntryClass.Label(i), EntryClass.Timeout(i), _secondsByClass[i], total > 0 ? _secondsByClass[i] / total : 0));
        }
        list.Sort(static (a, b) => b.Seconds.CompareTo(a.Seconds));
        return list;
    }
}

/// <summary>How much of the table's occupancy over time one timeout class accounts for.</summary>
public readonly record struct EntrySeconds(string Class, TimeoutClass? Timeout, double Seconds, double Share);
