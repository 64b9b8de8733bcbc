namespace Conntrack.Benchmarking;

/// <summary>The lowest, middle and highest of repeated measurements of one figure.</summary>
public readonly record struct Spread(double Min, double Median, double Max)
{
    public static Spread Of(IReadOnlyList<double> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        if (runs.Count == 0)
            throw new ArgumentException("a spread needs at least one run", nameof(runs));
        var sorted = runs.Order().ToArray();
        int mid = sorted.Length / 2;
        double median = sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
        return new Spread(sorted[0], median, sorted[^1]);
    }
}
