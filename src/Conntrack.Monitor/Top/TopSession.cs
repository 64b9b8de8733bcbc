using System.Diagnostics;
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
    private readonly Dictionary<string, TopView> _lists = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly AutoResetEvent _listAsked = new(false);
    private readonly TimeSpan _interval;
    private readonly Thread _lister;
    private TopQuery _query = new();
    private volatile TopQuery _asked = new();
    private volatile string? _listProblem;

    public bool CanDelete => true;

    public TopSession(MonitorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _watchers = new WatcherSet(options, _host);
        _interval = options.Interval;
        _lister = new Thread(ListPeriodically) { IsBackground = true, Name = "top list" };
    }

    /// <summary>The page to show; every namespace is asked for the first <c>Offset + Rows</c> rows, merged here, then paged.</summary>
    public TopQuery Query
    {
        get => _query;
        set
        {
            _query = value;
            _asked = value with { Offset = 0, Rows = value.Offset + value.Rows };
            _listAsked.Set();
        }
    }

    public void Start()
    {
        _host.Start();
        _watchers.Start();
        _lister.Start();
    }

    /// <summary>The frame for the current query once every namespace has answered it; null until then.</summary>
    public TopFrame? Frame()
    {
        var watchers = _watchers.ToList();
        foreach (var w in watchers)
            w.Show(_asked);
        var asked = _asked;
        var problems = watchers.Select(w => w.Error).Append(_listProblem).OfType<string>().ToList();
        var answered = watchers.Where(w => w.Error is null)
            .Select(w => (w.Label, Snapshot: w.Latest, View: asked.ListEntries ? Listed(w.Label) : w.LatestTop)).ToList();
        if (answered.Count == 0 || answered.Any(a => a.Snapshot is null || !ReferenceEquals(a.View?.Query, asked)))
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
        _stop.Cancel();
        _listAsked.Set();
        if (_lister.IsAlive)
            _lister.Join();
        _watchers.Dispose();
        _host.Dispose();
        _stop.Dispose();
        _listAsked.Dispose();
    }

    private TopView? Listed(string netns)
    {
        lock (_lists)
            return _lists.GetValueOrDefault(netns);
    }

    /// <summary>
    /// The entry list: one filtered dump per namespace and refresh, on this thread with its own sockets, so the watchers
    /// keep reading events. Refreshed every interval, or after as long as the last dumps took when that is longer.
    /// </summary>
    private void ListPeriodically()
    {
        var clients = new Dictionary<string, ConntrackClient>(StringComparer.Ordinal);
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var asked = _asked;
                var wait = Timeout.InfiniteTimeSpan;
                if (asked.ListEntries)
                {
                    long started = Stopwatch.GetTimestamp();
                    foreach (var watcher in _watchers.ToList().Where(w => w.Error is null && w.Latest is not null))
                        List(asked, watcher, clients);
                    wait = TimeSpan.FromTicks(Math.Max(_interval.Ticks, Stopwatch.GetElapsedTime(started).Ticks));
                }
                _listAsked.WaitOne(wait);
            }
        }
        finally
        {
            foreach (var client in clients.Values)
                client.Dispose();
        }
    }

    private void List(TopQuery asked, NamespaceWatcher watcher, Dictionary<string, ConntrackClient> clients)
    {
        try
        {
            if (!clients.TryGetValue(watcher.Label, out var client))
                clients[watcher.Label] = client = ConntrackClient.Open(watcher.Target);
            var view = new TopTally(asked).View(watcher.Label, (request, handler) => client.Dump(request, handler));
            lock (_lists)
                _lists[watcher.Label] = view;
            _listProblem = null;
        }
        catch (IOException e)
        {
            // The namespace went away or refused: its watcher says so too; a new socket is tried next time.
            if (clients.Remove(watcher.Label, out var broken))
                broken.Dispose();
            _listProblem = $"{watcher.Label}: {e.Message}";
        }
    }

    private static string Title(int namespaces, string first) => namespaces == 1 ? "netns " + first : $"{namespaces} namespaces";

    private NetnsTarget? Target(string netns) =>
        _watchers.FirstOrDefault(w => w.Label == netns)?.Target ?? throw new InvalidOperationException($"namespace {netns} is no longer watched");

    private TopFrame Empty(List<string> problems) =>
        TopFrame.Compose(_query, Title(0, ""), DateTimeOffset.UtcNow, new TopHeader(0, 0, 0, 0, 0, 0, 0, 0, null, 0, 0, "unknown", problems[0]), [], problems);
}
