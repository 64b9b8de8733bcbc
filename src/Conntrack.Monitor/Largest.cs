namespace Conntrack.Monitor;

/// <summary>
/// The few largest (or smallest) counts of a dictionary, through a heap of that many: a million talkers cost one
/// pass each interval, not a sort and a copy of a million pairs.
/// </summary>
internal static class Largest
{
    /// <summary>The <paramref name="n"/> pairs with the largest values, largest first (with <paramref name="smallest"/>: the smallest, smallest first).</summary>
    public static List<KeyValuePair<TKey, long>> Of<TKey>(Dictionary<TKey, long> counts, int n, bool smallest = false) where TKey : notnull
    {
        if (n <= 0)
            return [];
        // The heap's root is the weakest pair kept: the smallest of the largest (or the largest of the smallest).
        var heap = new PriorityQueue<KeyValuePair<TKey, long>, long>(n + 1, smallest ? Comparer<long>.Create((a, b) => b.CompareTo(a)) : Comparer<long>.Default);
        foreach (var pair in counts)
        {
            if (heap.Count < n)
                heap.Enqueue(pair, pair.Value);
            else if (heap.TryPeek(out _, out long weakest) && (smallest ? pair.Value < weakest : pair.Value > weakest))
                heap.EnqueueDequeue(pair, pair.Value);
        }
        var kept = new List<KeyValuePair<TKey, long>>(heap.Count);
        while (heap.TryDequeue(out var pair, out _))
            kept.Add(pair);
        kept.Reverse();
        return kept;
    }
}
