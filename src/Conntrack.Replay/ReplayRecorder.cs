using Conntrack.Replay.KernelLog;
using Conntrack.Flows;
using Conntrack.Table;
using Conntrack.Timeouts;

namespace Conntrack.Replay;

/// <summary>
/// Watches a replay through the table's events: entries created and destroyed, entry-seconds per
/// timeout class (the area under each class's count), drops with the kernel log they would print,
/// and the distinct flows that lost packets. Allocation-free per event once its arrays have grown.
/// </summary>
internal sealed class ReplayRecorder(TableFullLog log) : IConntrackEventSink
{
    private const int MaxLostFlows = 1 << 20;

    private readonly long[] _countByClass = new long[EntryClass.Count];
    private readonly double[] _secondsByClass = new double[EntryClass.Count];
    private readonly HashSet<FlowTuple> _lostFlows = [];
    private byte[] _classBySlot = new byte[1024];
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
            Array.Resize(ref _classBySlot, Math.Max(slot + 1, _classBySlot.Length * 2));
        switch (type)
        {
            case ConntrackEventType.New:
                Created++;
                _classBySlot[slot] = (byte)EntryClass.Of(entry);
                _countByClass[_classBySlot[slot]]++;
                break;
            case ConntrackEventType.Update:
                _countByClass[_classBySlot[slot]]--;
                _classBySlot[slot] = (byte)EntryClass.Of(entry);
                _countByClass[_classBySlot[slot]]++;
                break;
            case ConntrackEventType.Destroy:
                Destroyed++;
                _countByClass[_classBySlot[slot]]--;
                break;
        }
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
