using Conntrack.Doctor;
using Conntrack.Replay;

namespace Conntrack.Reporting;

/// <summary>The verdict <c>ctnet doctor</c> would reach on a host that saw the replayed traffic, with its thresholds.</summary>
public static class ReplayVerdict
{
    public static Verdict Of(ReplayResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        if (r.AllocationFailures > 0)
            return Verdict.DroppingMemory;
        if (r.DroppedPackets > 0)
            return Verdict.DroppingFull;
        return r.Table.Max > 0 && 100.0 * r.PeakEntries / r.Table.Max >= DoctorAnalyzer.FillingPercent ? Verdict.Filling : Verdict.Healthy;
    }
}
