using Conntrack.Flows;

namespace Conntrack.Table;

/// <summary>
/// Receives table events. Called synchronously on the packet path: implementations must be quick
/// and must not call back into the table.
/// </summary>
public interface IConntrackEventSink
{
    /// <summary>An entry was confirmed (New), changed state or status (Update), or left the table (Destroy), at <paramref name="timestampNanoseconds"/>.</summary>
    void OnEvent(ConntrackEventType type, long timestampNanoseconds, in EntryView entry);

    /// <summary>A packet of <paramref name="flow"/> was dropped: the table was full and early drop found nothing to evict.</summary>
    void OnTableFull(long timestampNanoseconds, in FlowTuple flow)
    {
    }

    /// <summary>A packet of <paramref name="flow"/> was dropped: the entry could not be allocated (memory budget spent).</summary>
    void OnAllocationFailure(long timestampNanoseconds, in FlowTuple flow)
    {
    }
}
