using Prometheus;

namespace Conntrack.Monitor;

/// <summary>
/// Creates the exposition's metrics in one registry and remembers those labelled by namespace (their first label),
/// so a namespace that is no longer watched can have all its series removed at once.
/// </summary>
internal sealed class MetricSet
{
    public const string NetnsLabel = "netns";

    private readonly MetricFactory _factory;
    private readonly List<Action<string>> _removers = [];

    public MetricSet()
    {
        Registry = Metrics.NewCustomRegistry();
        _factory = Metrics.WithCustomRegistry(Registry);
    }

    public CollectorRegistry Registry { get; }

    public Gauge Gauge(string name, string help, params string[] labels) => Track(_factory.CreateGauge(name, help, labels), labels);

    public Counter Counter(string name, string help, params string[] labels) => Track(_factory.CreateCounter(name, help, labels), labels);

    /// <summary>Removes every series whose netns label is <paramref name="netns"/>.</summary>
    public void RemoveNamespace(string netns)
    {
        foreach (var remove in _removers)
            remove(netns);
    }

    private T Track<T, TChild>(T metric, string[] labels) where T : Collector<TChild> where TChild : ChildBase
    {
        if (labels.Length > 0 && labels[0] == NetnsLabel)
        {
            _removers.Add(ns =>
            {
                foreach (string[] values in metric.GetAllLabelValues().Where(v => v[0] == ns).ToList())
                    metric.RemoveLabelled(values);
            });
        }
        return metric;
    }

    private Gauge Track(Gauge gauge, string[] labels) => Track<Gauge, Gauge.Child>(gauge, labels);

    private Counter Track(Counter counter, string[] labels) => Track<Counter, Counter.Child>(counter, labels);
}
