using System.Globalization;
using Prometheus;

namespace Conntrack.Monitor;

/// <summary>
/// The exposition: a prometheus-net registry whose values are set from the watchers' latest snapshots just
/// before each collection, so a scrape costs the number of series, never a walk over the table.
/// </summary>
internal sealed class ConntrackMetrics
{
    private static readonly string[] NetnsLabel = [MetricSet.NetnsLabel];
    private readonly Func<IEnumerable<WatchedNamespace>> _states;
    private readonly bool _labelNodeSeries;
    private readonly MetricSet _metrics = new();
    private readonly ResourceMetrics _resources;
    private readonly HashSet<string> _exported = new(StringComparer.Ordinal);
    private readonly Gauge _entries, _limit;
    private readonly Dictionary<string, Gauge> _nodeStats = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Counter> _cpuStats = new(StringComparer.Ordinal);
    private readonly Gauge _series, _max, _buckets, _mirrored, _timeToFull, _resyncSeconds, _up;
    private readonly Counter _events, _overruns, _lost, _resyncs;
    private readonly TopGauge _topSources, _topDestinations, _topPorts;

    /// <param name="states">The watched namespaces at the time of a scrape.</param>
    /// <param name="labelNodeSeries">False for one namespace: node_exporter's series exactly, unlabelled; true: one series per namespace.</param>
    public ConntrackMetrics(Func<IEnumerable<WatchedNamespace>> states, bool labelNodeSeries)
    {
        _states = states;
        _labelNodeSeries = labelNodeSeries;
        string[] nodeLabels = _labelNodeSeries ? NetnsLabel : [];
        _entries = Gauge(NodeExporterNames.Entries, NodeExporterNames.EntriesHelp, nodeLabels);
        _limit = Gauge(NodeExporterNames.Limit, NodeExporterNames.LimitHelp, nodeLabels);
        foreach (var (column, help) in NodeExporterNames.Stats)
            _nodeStats[column] = Gauge(NodeExporterNames.StatName(column), help, nodeLabels);

        _series = Gauge("ctnet_entries", "Entries in the conntrack table by namespace, address family, protocol, state and flags (from the event mirror).", "netns", "l3", "l4", "state", "assured", "unreplied");
        _mirrored = Gauge("ctnet_mirrored_entries", "Entries the event mirror holds (equals the kernel's count when no event is in flight).", "netns");
        _max = Gauge("ctnet_entries_limit", "nf_conntrack_max: the most entries a namespace's table may hold.", "netns");
        _buckets = Gauge("ctnet_buckets", "nf_conntrack_buckets: size of the conntrack hash table.", "netns");
        _timeToFull = Gauge("ctnet_time_to_full_seconds", "Seconds until the table is full at the growth of the last minute (+Inf when not growing).", "netns");
        _resyncSeconds = Gauge("ctnet_last_resync_duration_seconds", "How long the last dump that resynchronised the mirror took, in seconds.", "netns");
        _up = Gauge("ctnet_watch_up", "1 when the namespace is being watched, 0 when its watcher failed (see /healthz).", "netns");
        _events = Counter("ctnet_events_total", "ctnetlink events applied to the mirror, by type (new, update, destroy).", "netns", "type");
        _overruns = Counter("ctnet_event_overruns_total", "Event reads that failed with ENOBUFS: events were lost and the mirror was resynchronised.", "netns");
        _lost = Counter("ctnet_events_lost_total", "Event messages the kernel dropped for the monitor's socket.", "netns");
        _resyncs = Counter("ctnet_resyncs_total", "Dumps that rebuilt the mirror (at start, after event loss, periodically).", "netns");
        _topSources = new TopGauge(Gauge("ctnet_top_source_entries", "Entries by original source address, the largest --top and the rest as \"other\".", "netns", "address"));
        _topDestinations = new TopGauge(Gauge("ctnet_top_destination_entries", "Entries by original destination address, the largest --top and the rest as \"other\".", "netns", "address"));
        _topPorts = new TopGauge(Gauge("ctnet_top_destination_port_entries", "Entries by protocol/destination port, the largest --top and the rest as \"other\".", "netns", "port"));
        ScrapeDuration = Gauge("ctnet_scrape_duration_seconds", "How long the previous /metrics answer took to build, in seconds.");
        _resources = new ResourceMetrics(_metrics);
        Registry.AddBeforeCollectCallback(Update);
    }

    public CollectorRegistry Registry => _metrics.Registry;

    public Gauge ScrapeDuration { get; }

    private Gauge Gauge(string name, string help, params string[] labels) => _metrics.Gauge(name, help, labels);

    private Counter Counter(string name, string help, params string[] labels) => _metrics.Counter(name, help, labels);

    private void Update()
    {
        var watched = new HashSet<string>(StringComparer.Ordinal);
        foreach (var state in _states())
        {
            watched.Add(state.Netns);
            _up.WithLabels(state.Netns).Set(state.Error is null && state.Snapshot is not null ? 1 : 0);
            if (state.Snapshot is { } s)
                Update(s);
        }
        RemoveVanished(watched);
    }

    /// <summary>A namespace no longer watched (gone, under <c>--netns all</c>) takes its series with it.</summary>
    private void RemoveVanished(HashSet<string> watched)
    {
        foreach (string gone in _exported.Where(ns => !watched.Contains(ns)).ToList())
        {
            _metrics.RemoveNamespace(gone);
            _exported.Remove(gone);
        }
        _exported.UnionWith(watched);
    }

    private void Update(NamespaceSnapshot s)
    {
        string ns = s.Netns;
        Node(_entries, ns).Set(s.Entries);
        Node(_limit, ns).Set(s.Max);
        foreach (var (column, gauge) in _nodeStats)
            Node(gauge, ns).Set(s.Stat(column));
        _max.WithLabels(ns).Set(s.Max);
        _mirrored.WithLabels(ns).Set(s.Mirrored);
        _buckets.WithLabels(ns).Set(s.Buckets);
        _timeToFull.WithLabels(ns).Set(s.TimeToFullSeconds);
        _resyncSeconds.WithLabels(ns).Set(s.LastResyncSeconds);
        _events.WithLabels(ns, "new").IncTo(s.NewEvents);
        _events.WithLabels(ns, "update").IncTo(s.UpdateEvents);
        _events.WithLabels(ns, "destroy").IncTo(s.DestroyEvents);
        _overruns.WithLabels(ns).IncTo(s.EventOverruns);
        _lost.WithLabels(ns).IncTo(s.EventsLost);
        _resyncs.WithLabels(ns).IncTo(s.Resyncs);
        _resources.Set(s);
        UpdateSeries(s);
        UpdateCpuStats(s);
        _topSources.Set(ns, s.TopSources);
        _topDestinations.Set(ns, s.TopDestinations);
        _topPorts.Set(ns, s.TopDestinationPorts);
    }

    private IGauge Node(Gauge gauge, string ns) => _labelNodeSeries ? gauge.WithLabels(ns) : gauge;

    private void UpdateSeries(NamespaceSnapshot s)
    {
        // A series whose entries are all gone reads 0 rather than vanishing, as a gauge of a count should.
        foreach (string[] labels in _series.GetAllLabelValues().Where(l => l[0] == s.Netns))
            _series.WithLabels(labels).Set(0);
        foreach (var c in s.Series)
            _series.WithLabels(s.Netns, c.L3, c.L4, c.State, Flag(c.Assured), Flag(c.Unreplied)).Set(c.Entries);
    }

    private void UpdateCpuStats(NamespaceSnapshot s)
    {
        foreach (var cpu in s.Cpus)
        {
            string cpuLabel = cpu.Cpu.ToString(CultureInfo.InvariantCulture);
            foreach (var (column, value) in cpu.Values)
                CpuCounter(column).WithLabels(s.Netns, cpuLabel).IncTo(value);
        }
    }

    private Counter CpuCounter(string column)
    {
        if (!_cpuStats.TryGetValue(column, out var counter))
        {
            counter = Counter($"ctnet_stat_{column}_total", $"The kernel's per-CPU conntrack counter \"{column}\" (conntrack -S, /proc/net/stat/nf_conntrack).", "netns", "cpu");
            _cpuStats[column] = counter;
        }
        return counter;
    }

    private static string Flag(bool value) => value ? "true" : "false";
}
