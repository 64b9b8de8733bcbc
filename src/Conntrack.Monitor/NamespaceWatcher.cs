using System.Diagnostics;
using System.Globalization;
using Conntrack.Host.Netlink;
using Conntrack.Monitor.Top;
using Conntrack.Table;

namespace Conntrack.Monitor;

/// <summary>
/// Watches one namespace on its own thread: a <see cref="TableMirror"/> kept from ctnetlink events and made right
/// by a dump at start, after any event loss (ENOBUFS) and every <see cref="MonitorOptions.ResyncEvery"/>; the
/// counters and count read every interval. Each interval it publishes a <see cref="NamespaceSnapshot"/>.
/// Read-only towards the kernel: it dumps, reads and listens, nothing else.
/// </summary>
internal sealed class NamespaceWatcher : IDisposable
{
    private const int ReadTimeoutMs = 100;
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(5);

    private readonly NetnsTarget? _target;
    private readonly MonitorOptions _options;
    private readonly HostSources _host;
    private readonly EventRates _rates = new();
    private readonly TableMirror _mirror = new();
    private readonly TableAggregate _aggregate = new();
    private readonly GrowthForecast _forecast = new(TimeSpan.FromMinutes(1));
    private readonly ConntrackEventHandler _onEvent;
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private long _new, _updates, _destroys, _overruns, _lostBefore;
    private double _lastResyncSeconds;
    private volatile NamespaceSnapshot? _latest;
    private volatile string? _error;
    private volatile TopQuery? _topQuery;
    private volatile TopView? _latestTop;
    private TopTally? _tally;
    private NamespaceFacts _facts = new(null, null, false);

    public NamespaceWatcher(string label, NetnsTarget? target, MonitorOptions options, HostSources host)
    {
        Label = label;
        _target = target;
        _options = options;
        _host = host;
        _onEvent = OnEvent;
        _thread = new Thread(Run) { IsBackground = true, Name = "watch " + label };
    }

    public string Label { get; }

    /// <summary>The namespace watched; null for the one ctnet runs in.</summary>
    public NetnsTarget? Target => _target;

    /// <summary>The last snapshot published; null before the first resync finished.</summary>
    public NamespaceSnapshot? Latest => _latest;

    /// <summary>Why the watcher is not watching right now (null while it is).</summary>
    public string? Error => _error;

    /// <summary>The last answer to the query of <see cref="Show"/>; null before the first.</summary>
    public TopView? LatestTop => _latestTop;

    /// <summary>Asks for the top view's groups; answered on the watcher's next loop, then with every snapshot (an entry list is not answered here).</summary>
    public void Show(TopQuery query) => _topQuery = query;

    public void Start() => _thread.Start();

    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join();
        _stop.Dispose();
    }

    private void Run()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                Watch();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _error = $"{Label}: {e.Message}";
                _stop.Token.WaitHandle.WaitOne(RetryAfterFailure);
            }
        }
    }

    private void Watch()
    {
        // Events first, then the dump: what changes during the dump is queued and applied after it.
        using var events = ConntrackEventReader.Open(EventGroups.All, _options.EventBufferBytes, _target);
        using var client = ConntrackClient.Open(_target);
        _facts = NamespaceFacts.Read(_target);
        _lostBefore = events.LostEvents;
        Resync(client);
        _error = null;
        var clock = Stopwatch.StartNew();
        var nextPublish = TimeSpan.Zero;
        var nextResync = _options.ResyncEvery;
        while (!_stop.IsCancellationRequested)
        {
            var read = events.Read(_onEvent, ReadTimeoutMs);
            if (read.Overrun)
                _overruns++;
            // Publish before resyncing: under a flood every read overruns, and a snapshot that waited behind each
            // resync would leave the dashboard and /metrics a resync late; this one states the loss it carries.
            var query = _topQuery;
            // The entry list is one dump per refresh, read by the view's own thread: a dump of a large table here
            // would hold the events back until they overran.
            if (query is { ListEntries: true })
                _tally = null;
            bool asked = query is { ListEntries: false } && !ReferenceEquals(query, _tally?.Query);
            if (asked)
                Tally(query!);
            if (clock.Elapsed >= nextPublish)
            {
                Publish(client, events.LostEvents - _lostBefore);
                nextPublish = clock.Elapsed + _options.Interval;
                asked = _tally is not null;
            }
            if (asked)
                _latestTop = _tally!.View(Label, (request, handler) => client.Dump(request, handler));
            if (read.Overrun)
                Resync(client);
            else if (clock.Elapsed >= nextResync)
            {
                Resync(client);
                nextResync = clock.Elapsed + _options.ResyncEvery;
            }
        }
    }

    private void OnEvent(ConntrackEventType type, in KernelEntry entry)
    {
        if (_mirror.TryGet(entry.Original, out var previous))
        {
            _aggregate.Remove(previous);
            _tally?.Remove(previous);
        }
        _mirror.Apply(type, entry);
        switch (type)
        {
            case ConntrackEventType.New: _new++; break;
            case ConntrackEventType.Update: _updates++; break;
            default: _destroys++; return;
        }
        if (_mirror.TryGet(entry.Original, out var current))
        {
            _aggregate.Add(current);
            _tally?.Add(current, type == ConntrackEventType.New);
        }
    }

    /// <summary>A new query counts the mirror afresh by its grouping and filter.</summary>
    private void Tally(TopQuery query)
    {
        _tally = new TopTally(query);
        foreach (var entry in _mirror.Entries)
            _tally.Add(entry, created: false);
    }

    private void Resync(ConntrackClient client)
    {
        long started = Stopwatch.GetTimestamp();
        _mirror.Resync(client);
        _aggregate.Clear();
        _tally?.Clear();
        foreach (var entry in _mirror.Entries)
        {
            _aggregate.Add(entry);
            _tally?.Add(entry, created: false);
        }
        _lastResyncSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    private void Publish(ConntrackClient client, long lost)
    {
        var count = client.Count();
        var cpus = client.CpuStatistics();
        var now = DateTimeOffset.UtcNow;
        long max = count.Max ?? 0, buckets = KernelSettings.Buckets();
        _forecast.Add(now, count.Entries);
        var (created, destroyed) = _rates.Next(now, _new, _destroys);
        var slab = _host.Slab.Current(now);
        var log = _host.Log.For(_facts.Inode, _facts.Initial);
        _latest = new NamespaceSnapshot
        {
            Netns = Label,
            Taken = now,
            Entries = count.Entries,
            Mirrored = _mirror.Count,
            Max = max,
            Buckets = buckets,
            Series = [.. _aggregate.Series.Select(s => new SeriesCount(s.Key.L3, s.Key.L4, s.Key.StateName, s.Key.Assured, s.Key.Unreplied, s.Value))],
            Cpus = [.. cpus.Select(c => new CpuCounters(c.Cpu, c.Values.ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal)))],
            TopSources = TopList.Of(_aggregate.Sources, _options.Top, k => k.ToString()),
            TopDestinations = TopList.Of(_aggregate.Destinations, _options.Top, k => k.ToString()),
            TopDestinationPorts = TopList.Of(_aggregate.DestinationPorts, _options.Top, PortLabel),
            NewEvents = _new,
            UpdateEvents = _updates,
            DestroyEvents = _destroys,
            EventOverruns = _overruns,
            EventsLost = lost,
            Resyncs = _mirror.Resyncs,
            LastResyncSeconds = _lastResyncSeconds,
            TimeToFullSeconds = _forecast.SecondsToFull(count.Entries, max),
            CreatedPerSecond = created,
            DestroyedPerSecond = destroyed,
            Memory = MemoryFigures.Estimate(count.Entries, buckets, slab, _facts.Extensions),
            Slab = MemoryFigures.Usage(slab),
            TableFullLogLines = log.TableFullPrinted,
            TableFullLogSuppressed = log.TableFullSuppressed,
            RecentLogLines = log.Recent,
            LogSource = _host.Log.Source,
        };
    }

    private static string PortLabel(PortKey key) =>
        string.Create(CultureInfo.InvariantCulture, $"{Conntrack.Flows.IpProtocol.Name(key.Protocol)}/{key.Port}");
}
