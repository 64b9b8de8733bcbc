namespace Conntrack.Table;

/// <summary>
/// All a partition sees of its table while it tracks a packet: the limits (<c>nf_conntrack_max</c>,
/// 0 = none, and the slab's memory budget, 0 = unlimited) and how many entries the other
/// partitions hold, so the partition can check the global count without reaching back into the
/// table. While partitions run concurrently the limits are not checked: the table has made sure
/// the segment cannot reach them.
/// </summary>
internal readonly struct TableView(int max, int allocationLimit, int entriesElsewhere, bool checksLimits)
{
    public int Max { get; } = max;

    public int AllocationLimit { get; } = allocationLimit;

    public int EntriesElsewhere { get; } = entriesElsewhere;

    public bool ChecksLimits { get; } = checksLimits;
}
