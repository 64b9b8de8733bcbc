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

/// <summary>
/// One frame of <c>ctnet top</c>: what is watched (<see cref="Title"/>: the namespace, or the capture and how far into it),
/// the header and the page of groups or entries the query asked for (<see cref="Ascending"/>: the list's direction).
/// </summary>
public sealed record TopFrame(
    string Title, DateTimeOffset Taken, string Grouping, bool ListEntries, string SortBy, bool Reverse, bool Ascending, string Filter, TopHeader Header,
    IReadOnlyList<string> Namespaces, long Matching, IReadOnlyList<TopGroupRow> Groups, IReadOnlyList<TopEntryRow> Entries,
    IReadOnlyList<string> Problems)
{
    /// <summary>The namespaces' answers to <paramref name="query"/> merged: every one was asked for the first Offset + Rows rows, the page is cut here.</summary>
    internal static TopFrame Compose(TopQuery query, string title, DateTimeOffset taken, TopHeader header, IReadOnlyList<TopView> views, IReadOnlyList<string> problems)
    {
        var groups = views.SelectMany(v => v.Groups);
        var entryOrder = new TopEntryOrder(query.SortBy, query.Reverse);
        return new TopFrame(
            title, taken, TopGroupings.Name(query.Grouping), query.ListEntries, query.SortBy.ToString().ToLowerInvariant(), query.Reverse,
            TopColumns.Ascending(query.SortBy, query.Reverse), query.FilterText, header, [.. views.Select(v => v.Netns)], views.Sum(v => v.Matching),
            [.. (query.Reverse ? groups.OrderBy(g => g.Entries) : groups.OrderByDescending(g => g.Entries)).Skip(query.Offset).Take(query.Rows)],
            [.. views.SelectMany(v => v.Entries).OrderBy(r => r.Entry, entryOrder).Skip(query.Offset).Take(query.Rows)],
            problems);
    }
}
