using Conntrack.Host.Listing;
using Conntrack.Host.Netlink;

namespace Conntrack.Monitor.Top;

/// <summary>
/// What <c>ctnet top</c> watches: serve's watchers (one ctnetlink mirror per namespace), asked for the page the
/// view shows, their answers composed into one <see cref="TopFrame"/>. Read-only towards the kernel except
/// <see cref="Delete(TopEntryRow)"/> and <see cref="Delete(TopGroupRow)"/>, which the command allows only when asked to.
/// </summary>
public sealed class TopSession : IDisposable
{
    private readonly HostSources _host = new();
    private readonly WatcherSet _watchers;
    private readonly Dictionary<string, DropRates> _drops = new(StringComparer.Ordinal);
    private TopQuery _query = new();
    private TopQuery _asked = new();

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
        var views = answered.Select(a => a.View!).ToList();
        var groups = views.SelectMany(v => v.Groups);
        var entryOrder = new TopEntryOrder(_query.SortBy, _query.Reverse);
        return new TopFrame(
            snapshots.Max(s => s.Taken), TopGroupings.Name(_query.Grouping), _query.ListEntries, _query.SortBy.ToString().ToLowerInvariant(),
            _query.Reverse, TopColumns.Ascending(_query.SortBy, _query.Reverse), _query.FilterText, Header(snapshots), [.. answered.Select(a => a.Label)], views.Sum(v => v.Matching),
            [.. (_query.Reverse ? groups.OrderBy(g => g.Entries) : groups.OrderByDescending(g => g.Entries)).Skip(_query.Offset).Take(_query.Rows)],
            [.. views.SelectMany(v => v.Entries).OrderBy(r => r.Entry, entryOrder).Skip(_query.Offset).Take(_query.Rows)],
            problems);
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

    private NetnsTarget? Target(string netns) =>
        _watchers.FirstOrDefault(w => w.Label == netns)?.Target ?? throw new InvalidOperationException($"namespace {netns} is no longer watched");

    private TopHeader Header(List<NamespaceSnapshot> snapshots)
    {
        var rates = snapshots.Select(s => Rates(s)).ToList();
        var busiest = snapshots.MaxBy(s => s.Max > 0 ? (double)s.Entries / s.Max : s.Entries)!;
        var doctor = DoctorView.Of(busiest);
        return new TopHeader(
            snapshots.Sum(s => s.Entries), snapshots.Max(s => s.Max), snapshots.Max(s => s.Buckets),
            snapshots.Sum(s => s.CreatedPerSecond), snapshots.Sum(s => s.DestroyedPerSecond),
            rates.Sum(r => r.Drops), rates.Sum(r => r.EarlyDrops), snapshots.Sum(s => s.Stat("insert_failed")),
            snapshots.Min(s => s.TimeToFullSeconds) is var full && double.IsFinite(full) ? full : null,
            // The bucket array is the host's, the same in every namespace: counted once.
            snapshots.Sum(s => s.Memory.EntriesBytes + s.Memory.ExtensionsBytes) + snapshots.Max(s => s.Memory.BucketsBytes),
            snapshots.Sum(s => s.EventsLost), doctor.Verdict, doctor.Headline);
    }

    /// <summary>Drops and early drops per second between a namespace's last two snapshots.</summary>
    private (double Drops, double EarlyDrops) Rates(NamespaceSnapshot snapshot)
    {
        if (!_drops.TryGetValue(snapshot.Netns, out var rates) || !ReferenceEquals(rates.Current, snapshot))
            _drops[snapshot.Netns] = rates = new DropRates(snapshot, rates?.Current);
        return (rates.Drops, rates.EarlyDrops);
    }

    private TopFrame Empty(List<string> problems) => new(
        DateTimeOffset.UtcNow, TopGroupings.Name(_query.Grouping), _query.ListEntries, _query.SortBy.ToString().ToLowerInvariant(), _query.Reverse, TopColumns.Ascending(_query.SortBy, _query.Reverse),
        _query.FilterText, new TopHeader(0, 0, 0, 0, 0, 0, 0, 0, null, 0, 0, "unknown", problems[0]), [], 0, [], [], problems);

    private sealed class DropRates(NamespaceSnapshot current, NamespaceSnapshot? previous)
    {
        public NamespaceSnapshot Current { get; } = current;
        public double Drops { get; } = PerSecond(current, previous, "drop");
        public double EarlyDrops { get; } = PerSecond(current, previous, "early_drop");

        private static double PerSecond(NamespaceSnapshot now, NamespaceSnapshot? before, string stat)
        {
            double seconds = before is null ? 0 : (now.Taken - before.Taken).TotalSeconds;
            return seconds > 0 ? Math.Max(0, now.Stat(stat) - before!.Stat(stat)) / seconds : 0;
        }
    }
}
