namespace Conntrack.Monitor;

/// <summary>
/// node_exporter's conntrack collector as it exports itself (names, gauge type, help texts): dashboards and
/// the node-mixin alert keep working when Prometheus scrapes ctnet instead. Its stat gauges are the sums
/// over CPUs of /proc/net/stat/nf_conntrack columns — the same counters ctnetlink reports per CPU.
/// </summary>
internal static class NodeExporterNames
{
    public const string Entries = "node_nf_conntrack_entries";
    public const string EntriesHelp = "Number of currently allocated flow entries for connection tracking.";
    public const string Limit = "node_nf_conntrack_entries_limit";
    public const string LimitHelp = "Maximum size of connection tracking table.";

    /// <summary>The stat column (conntrack -S name), then its help text.</summary>
    public static readonly (string Column, string Help)[] Stats =
    [
        ("found", "Number of searched entries which were successful."),
        ("invalid", "Number of packets seen which can not be tracked."),
        ("ignore", "Number of packets seen which are already connected to a conntrack entry."),
        ("insert", "Number of entries inserted into the list."),
        ("insert_failed", "Number of entries for which list insertion was attempted but failed."),
        ("drop", "Number of packets dropped due to conntrack failure."),
        ("early_drop", "Number of dropped conntrack entries to make room for new ones, if maximum table size was reached."),
        ("search_restart", "Number of conntrack table lookups which had to be restarted due to hashtable resizes."),
    ];

    public static string StatName(string column) => "node_nf_conntrack_stat_" + column;
}
