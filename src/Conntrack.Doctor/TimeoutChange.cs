using Conntrack.Timeouts;

namespace Conntrack.Doctor;

/// <summary>
/// The effect of one shorter timeout on the current table: of <see cref="EntriesInClass"/> entries of
/// this timeout class, <see cref="EntriesGone"/> would already have expired under the proposed value.
/// </summary>
public sealed record TimeoutChange(TimeoutClass Timeout, long Current, long Proposed, long EntriesInClass, long EntriesGone, bool Exact)
{
    /// <summary>The sysctl that sets the timeout.</summary>
    public string Setting => Timeout.SysctlName();

    public long EntriesLeft => EntriesInClass - EntriesGone;
}
