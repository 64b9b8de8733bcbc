namespace Conntrack.Monitor;

/// <summary>The cardinality cap of the talker series: the largest counts by label, then everything else as one "other" row.</summary>
internal static class TopList
{
    public const string Other = "other";

    public static List<LabelledCount> Of<TKey>(Dictionary<TKey, long> counts, int top, Func<TKey, string> label) where TKey : notnull
    {
        var largest = Largest.Of(counts, top);
        var rows = largest.Select(c => new LabelledCount(label(c.Key), c.Value)).ToList();
        long rest = counts.Values.Sum() - largest.Sum(c => c.Value);
        if (rest > 0)
            rows.Add(new LabelledCount(Other, rest));
        return rows;
    }
}
