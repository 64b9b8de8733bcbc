using Conntrack.Host.Listing;

namespace Conntrack.Monitor.Top;

/// <summary>
/// What the top view asks the watchers for: groups or entries, in which order, through which filter, which page.
/// Immutable: the view replaces it, each watcher notices the new one on its next loop and answers at once.
/// </summary>
public sealed record TopQuery
{
    public TopGrouping Grouping { get; init; } = TopGrouping.Source;

    /// <summary>The flat list (one row per entry) instead of groups.</summary>
    public bool ListEntries { get; init; }

    public TopColumn SortBy { get; init; } = TopColumn.Ttl;

    /// <summary>Groups: smallest first instead of largest; entries: ascending instead of descending.</summary>
    public bool Reverse { get; init; }

    /// <summary>Only entries this filter matches are counted and listed (conntrack's filter vocabulary).</summary>
    public EntryFilter? Filter { get; init; }

    /// <summary>The filter as the user typed it, shown in the header.</summary>
    public string FilterText { get; init; } = "";

    /// <summary>The rows of one page, and the first row shown (paging through a long list).</summary>
    public int Rows { get; init; } = 20;
    public int Offset { get; init; }
}
