using Prometheus;

namespace Conntrack.Monitor;

/// <summary>A gauge of the top talkers whose label set changes: series that left the top list are removed, so cardinality stays at --top + 1.</summary>
internal sealed class TopGauge(Gauge gauge)
{
    public void Set(string ns, IReadOnlyList<LabelledCount> rows)
    {
        var keep = rows.Select(r => r.Label).ToHashSet(StringComparer.Ordinal);
        foreach (string[] labels in gauge.GetAllLabelValues().Where(l => l[0] == ns && !keep.Contains(l[1])).ToList())
            gauge.RemoveLabelled(labels);
        foreach (var row in rows)
            gauge.WithLabels(ns, row.Label).Set(row.Entries);
    }
}
