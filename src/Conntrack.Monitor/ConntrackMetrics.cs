using System.Globalization;
using Prometheus;

namespace Conntrack.Monitor;

/// <summary>
/// The exposition: a prometheus-net registry whose values are set from the watchers' latest snapshots just
/// before each collection, so a scrape costs the number of series, never a walk over the table.
/// </summary>
internal sealed class ConntrackMetrics
{
    private static readonly string[] NetnsLabel = ["netns"];
    private readonly IReadOnlyList<NamespaceWatcher> _watchers;
    private readonly bool _labelNodeSeries;
    private readonly Gauge _entries, _limit;
    private readonly Dictionary<string, Gauge> _nodeStats = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Counter> _cpuStats = new(StringComparer.Ordinal);
    private readonly MetricFactory _factory;
    private readonly Gauge _series, _max, _buckets, _bucketBytes, _mirrored, _timeToFull, _resyncSeconds, _up;
    private readonly Counter _events, _overruns, _lost, _resyncs;
    private readonly TopGauge _topSources, _topDestinations, _topPorts;

    public ConntrackMetrics(IReadOnlyList<NamespaceWatcher> watchers)
    {
        _watchers = watchers;
        // One namespace: node_exporter's series exactly, unlabelled. Several: one series per namespace.
        _labelNodeSeries = watchers.Count > 1;
        Registry = Metrics.NewCustomRegistry();
        _factory = Metrics.WithCustomRegistry(Registry);
        string[] nodeLabels = _labelNodeSeries ? NetnsLabel : [];
        _entries = _factory.CreateGauge(NodeExporterNames.Entries, NodeExporterNames.EntriesHelp, nodeLabels);
        _limit = _factory.CreateGauge(NodeExporterNames.Limit, NodeExporterNames.LimitHelp, nodeLabels);
        foreach (var (column, help) in NodeExporterNames.Stats)
            _nodeStats[column] = _factory.CreateGauge(NodeExporterNames.StatName(column), help, nodeLabels);

        _series = Gauge("ctnet_entries", "Entries in the conntrack table by namespace, address family, protocol, state and flags (from the event mirror).", "netns", "l3", "l4", "state", "assured", "unreplied");
        _mirrored = Gauge("ctnet_mirrored_entries", "Entries the event mirror holds (equals the kernel's count when no event is in flight).", "netns");
        _max = Gauge("ctnet_entries_limit", "nf_conntrack_max: the most entries a namespace's table may hold.", "netns");
        _buckets = Gauge("ctnet_buckets", "nf_conntrack_buckets: size of the conntrack hash table.", "netns");
        _bucketBytes = Gauge("ctnet_memory_buckets_bytes", "Memory of the conntrack hash table's bucket array, in bytes.", "netns");
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
        Registry.AddBeforeCollectCallback(Update);
    }

    public CollectorRegistry Registry { get; }

    public Gauge ScrapeDuration { get; }

    private Gauge Gauge(string name, string help, params string[] labels) => _factory.CreateGauge(name, help, labels);

    private Counter Counter(string name, string help, params string[] labels) => _factory.CreateCounter(name, help, labels);

    private void Update()
    {
        foreach (var watcher in _watchers)
        {
            string ns = watcher.Label;
            _up.WithLabels(ns).Set(watcher.Error is null && watcher.Latest is not null ? 1 : 0);
            if (watcher.Latest is { } s)
                Update(s);
        }
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
        _bucketBytes.WithLabels(ns).Set(s.Buckets * KernelSettings.BucketBytes);
        _timeToFull.WithLabels(ns).Set(s.TimeToFullSeconds);
        _resyncSeconds.WithLabels(ns).Set(s.LastResyncSeconds);
        _events.WithLabels(ns, "new").IncTo(s.NewEvents);
        _events.WithLabels(ns, "update").IncTo(s.UpdateEvents);
        _events.WithLabels(ns, "destroy").IncTo(s.DestroyEvents);
        _overruns.WithLabels(ns).IncTo(s.EventOverruns);
        _lost.WithLabels(ns).IncTo(s.EventsLost);
        _resyncs.WithLabels(ns).IncTo(s.Resyncs);
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
