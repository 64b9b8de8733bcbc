using Conntrack.Host.Listing;
using Conntrack.Host.Netlink;

namespace Conntrack.Monitor.Top;

/// <summary>
/// What <c>ctnet top</c> watches: serve's watchers (one ctnetlink mirror per namespace), asked for the page the
/// view shows, their answers composed into one <see cref="TopFrame"/>. Read-only towards the kernel except
/// <see cref="Delete(TopEntryRow)"/> and <see cref="Delete(TopGroupRow)"/>, which the command allows only when asked to.
/// </summary>
public sealed class TopSession : ITopSource
{
    private readonly HostSources _host = new();
    private readonly WatcherSet _watchers;
    private readonly TopHeaders _headers = new();
    private TopQuery _query = new();
    private TopQuery _asked = new();

    public bool CanDelete => true;

    public TopSession(MonitorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _watchers = new WatcherSet(options, _host);
    }

    /// <summary>The page to show; every namespace is asked for the first <c>Offset + Rows</c> rows, merged here, then paged.</summary>
    public TopQuery Query
    {
        get => _query;
        set
        {
            _query = value;
            _asked = value with { Offset = 0, Rows = value.Offset + value.Rows };
        }
    }

    public void Start()
    {
        _host.Start();
        _watchers.Start();
    }

    /// <summary>The frame for the current query once every namespace has answered it; null until then.</summary>
    public TopFrame? Frame()
    {
        var watchers = _watchers.ToList();
        foreach (var w in watchers)
            w.Show(_asked);
        var problems = watchers.Select(w => w.Error).OfType<string>().ToList();
        var answered = watchers.Where(w => w.Error is null).Select(w => (w.Label, Snapshot: w.Latest, View: w.LatestTop)).ToList();
        if (answered.Count == 0 || answered.Any(a => a.Snapshot is null || !ReferenceEquals(a.View?.Query, _asked)))
            return problems.Count > 0 && answered.Count == 0 ? Empty(problems) : null;
        var snapshots = answered.Select(a => a.Snapshot!).ToList();
        return TopFrame.Compose(_query, Title(answered.Count, answered[0].Label), snapshots.Max(s => s.Taken), _headers.Of(snapshots), [.. answered.Select(a => a.View!)], problems);
    }

    /// <summary>Deletes one entry (by tuple, zone and id): false when it was already gone.</summary>
    public bool Delete(TopEntryRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        using var client = ConntrackClient.Open(Target(row.Netns));
        return client.Delete(row.Entry);
    }

    /// <summary>Deletes the entries of one group that the current filter matches; returns how many went.</summary>
    public long Delete(TopGroupRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var by = TopGroupings.By(_query.Grouping);
        var matcher = _query.Filter is { } f ? new EntryMatcher(f) : null;
        var request = _query.Filter is { } filter ? KernelDump.Request(filter) : DumpRequest.All;
        using var client = ConntrackClient.Open(Target(row.Netns));
        return client.DeleteWhere(request, (in KernelEntry e) => EntryGroups.KeyOf(by, e) == row.Key && (matcher is null || matcher.Matches(e))).Deleted;
    }

    public void Dispose()
    {
        _watchers.Dispose();
        _host.Dispose();
    }

    private static string Title(int namespaces, string first) => namespaces == 1 ? "netns " + first : $"{namespaces} namespaces";

    private NetnsTarget? Target(string netns) =>
        _watchers.FirstOrDefault(w => w.Label == netns)?.Target ?? throw new InvalidOperationException($"namespace {netns} is no longer watched");

    private TopFrame Empty(List<string> problems) =>
        TopFrame.Compose(_query, Title(0, ""), DateTimeOffset.UtcNow, new TopHeader(0, 0, 0, 0, 0, 0, 0, 0, null, 0, 0, "unknown", problems[0]), [], problems);
}
