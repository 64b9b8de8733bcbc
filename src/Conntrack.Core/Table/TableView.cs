namespace Conntrack.Table;

/// <summary>
/// All a partition sees of its table while it tracks a packet: the limits (<c>nf_conntrack_max</c>,
/// 0 = none, and the slab's memory budget, 0 = unlimited) and how many entries the other
/// partitions hold, so the partition can check the global count without reaching back into the
/// table. While partitions run concurrently the limits are not checked: the table has made sure
/// the segment cannot reach them. Built once per run of packets; only the count of the other
/// partitions changes between packets, and only on the coupled path, which checks the limits.
/// </summary>
internal struct TableView(int max, int allocationLimit, bool checksLimits)
{
    public readonly int Max => max;

    public readonly int AllocationLimit => allocationLimit;

    public readonly bool ChecksLimits => checksLimits;

    /// <summary>Entries in the other partitions when the packet arrives (read only when <see cref="ChecksLimits"/>).</summary>
    public int EntriesElsewhere { readonly get; set; }
}
