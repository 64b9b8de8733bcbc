using Conntrack.Host.Counters;

namespace Conntrack.Doctor;

/// <summary>The counters a check compares with the previous check's (sums over CPUs, as /proc/net/stat/nf_conntrack gives them).</summary>
public readonly record struct CheckCounters(long Drop, long InsertFailed, long EarlyDrop)
{
    /// <summary>Null when the counters were not read.</summary>
    public static CheckCounters? Of(ConntrackCounters? counters) =>
        counters is null || !counters.Has("drop") ? null
        : new CheckCounters(counters.Get("drop"), counters.Get("insert_failed"), counters.Get("early_drop"));

    /// <summary>A counter went down: the kernel restarted them (reboot, module reload) or they are another namespace's.</summary>
    public bool WentDownFrom(CheckCounters previous) =>
        Drop < previous.Drop || InsertFailed < previous.InsertFailed || EarlyDrop < previous.EarlyDrop;
}
