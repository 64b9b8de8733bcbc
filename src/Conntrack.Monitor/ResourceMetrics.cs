namespace Conntrack.Monitor;

/// <summary>
/// The <c>ctnet_*</c> series of what a table costs and what the kernel said about it: memory by the model, the slab
/// cache as observed, table-full log lines printed and suppressed, entries created and destroyed per second.
/// </summary>
internal sealed class ResourceMetrics
{
    private readonly Prometheus.Gauge _entryBytes, _extensionBytes, _bucketBytes, _slabBytes, _slabObjects, _created, _destroyed;
    private readonly Prometheus.Counter _logPrinted, _logSuppressed;

    public ResourceMetrics(MetricSet m)
    {
        const string ns = MetricSet.NetnsLabel;
        _entryBytes = m.Gauge("ctnet_memory_entries_bytes", "Kernel memory of the namespace's entries in whole slabs of the entry cache (memory model at the host's slab geometry), in bytes.", ns);
        _extensionBytes = m.Gauge("ctnet_memory_extensions_bytes", "Kernel memory of the entries' extension areas (accounting, timestamps, events), in bytes.", ns);
        _bucketBytes = m.Gauge("ctnet_memory_buckets_bytes", "Memory of the conntrack hash table's bucket array (global, shared by every namespace), in bytes.", ns);
        _slabBytes = m.Gauge("ctnet_slab_bytes", "Memory the host's conntrack slab cache holds (every slab, full or not; all namespaces), in bytes, from /proc/slabinfo.", "cache");
        _slabObjects = m.Gauge("ctnet_slab_active_objects", "Objects in use in the host's conntrack slab cache (all namespaces), from /proc/slabinfo.", "cache");
        _logPrinted = m.Counter("ctnet_kernel_log_table_full_total", "Kernel log lines 'nf_conntrack: table full, dropping packet' (every wording) printed for the namespace since ctnet started.", ns);
        _logSuppressed = m.Counter("ctnet_kernel_log_table_full_suppressed_total", "Table-full messages the kernel's rate limiter suppressed for the namespace ('N callbacks suppressed' in a table-full burst) since ctnet started.", ns);
        _created = m.Gauge("ctnet_entries_created_per_second", "Entries created per second over the last interval (ctnetlink new events).", ns);
        _destroyed = m.Gauge("ctnet_entries_destroyed_per_second", "Entries destroyed per second over the last interval (ctnetlink destroy events).", ns);
    }

    public void Set(NamespaceSnapshot s)
    {
        string ns = s.Netns;
        _entryBytes.WithLabels(ns).Set(s.Memory.EntriesBytes);
        _extensionBytes.WithLabels(ns).Set(s.Memory.ExtensionsBytes);
        _bucketBytes.WithLabels(ns).Set(s.Memory.BucketsBytes);
        _logPrinted.WithLabels(ns).IncTo(s.TableFullLogLines);
        _logSuppressed.WithLabels(ns).IncTo(s.TableFullLogSuppressed);
        _created.WithLabels(ns).Set(s.CreatedPerSecond);
        _destroyed.WithLabels(ns).Set(s.DestroyedPerSecond);
        if (s.Slab is { } slab)
        {
            _slabBytes.WithLabels(slab.Cache).Set(slab.Bytes);
            _slabObjects.WithLabels(slab.Cache).Set(slab.ActiveObjects);
        }
    }
}
