namespace Conntrack.Monitor.Top;

/// <summary>
/// The header of the top view, summed over the watched namespaces: the count against the limit, the rates of
/// creation, destruction and the two kinds of drop, what the table costs, and the doctor's verdict.
/// <see cref="TimeToFullSeconds"/> is null while no namespace is growing.
/// </summary>
public sealed record TopHeader(
    long Entries, long Max, long Buckets, double CreatedPerSecond, double DestroyedPerSecond, double DropsPerSecond,
    double EarlyDropsPerSecond, long InsertFailed, double? TimeToFullSeconds, long MemoryBytes, long EventsLost,
    string Verdict, string Headline);

/// <summary>One frame of <c>ctnet top</c>: the header and the page of groups or entries the query asked for (<see cref="Ascending"/>: the list's direction).</summary>
public sealed record TopFrame(
    DateTimeOffset Taken, string Grouping, bool ListEntries, string SortBy, bool Reverse, bool Ascending, string Filter, TopHeader Header,
    IReadOnlyList<string> Namespaces, long Matching, IReadOnlyList<TopGroupRow> Groups, IReadOnlyList<TopEntryRow> Entries,
    IReadOnlyList<string> Problems);
