namespace Conntrack.Doctor;

/// <summary>
/// The effect of one shorter timeout on the current table: of <see cref="EntriesInClass"/> entries whose
/// timeout this sysctl sets, <see cref="EntriesGone"/> would already have expired under the proposed value.
/// </summary>
public sealed record TimeoutChange(string Setting, long Current, long Proposed, long EntriesInClass, long EntriesGone, bool Exact)
{
    public long EntriesLeft => EntriesInClass - EntriesGone;
}
