using Conntrack.Flows;
using Conntrack.Table;

namespace Conntrack.Analysis.Replay;

/// <summary>Counts table events during a replay (an allocation-free sink).</summary>
internal sealed class ReplayCounters : IConntrackEventSink
{
    public long Created;
    public long Destroyed;
    public long TableFull;

    public void OnEvent(ConntrackEventType type, in EntryView entry)
    {
        if (type == ConntrackEventType.New)
            Created++;
        else if (type == ConntrackEventType.Destroy)
            Destroyed++;
    }

    public void OnTableFull(long timestampNanoseconds, in FlowTuple flow) => TableFull++;
}
