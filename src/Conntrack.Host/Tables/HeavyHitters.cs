using System.Runtime.InteropServices;

namespace Conntrack.Host.Tables;

/// <summary>
/// The most frequent keys of a stream in bounded memory (Misra–Gries with batch pruning): exact
/// while fewer than <c>capacity</c> distinct keys were seen; past that, whenever the map overflows
/// every counter is lowered by the median count and the keys at or below it are forgotten. A reported
/// count then undercounts by at most <see cref="MaxUndercount"/>, and any key more frequent than that
/// is still present.
/// </summary>
public sealed class HeavyHitters<TKey> where TKey : notnull
{
    private readonly Dictionary<TKey, long> _counts;
    private readonly int _capacity;

    public HeavyHitters(int capacity = 16384)
    {
        _capacity = Math.Max(16, capacity);
        _counts = new Dictionary<TKey, long>(Math.Min(_capacity, 1024));
    }

    public long Total { get; private set; }

    /// <summary>0 while every count is exact; otherwise the largest possible undercount of a reported key.</summary>
    public long MaxUndercount { get; private set; }

    public bool IsExact => MaxUndercount == 0;

    /// <summary>Distinct keys currently tracked (all distinct keys seen while <see cref="IsExact"/>).</summary>
    public int Tracked => _counts.Count;

    public void Add(TKey key)
    {
        Total++;
        CollectionsMarshal.GetValueRefOrAddDefault(_counts, key, out _)++;
        if (_counts.Count > _capacity)
            Prune();
    }

    private void Prune()
    {
        var values = new long[_counts.Count];
        _counts.Values.CopyTo(values, 0);
        Array.Sort(values);
        long cut = values[values.Length / 2];
        MaxUndercount += cut;
        var keep = new List<KeyValuePair<TKey, long>>(values.Length / 2);
        foreach (var pair in _counts)
        {
            if (pair.Value > cut)
                keep.Add(new(pair.Key, pair.Value - cut));
        }
        _counts.Clear();
        foreach (var pair in keep)
            _counts[pair.Key] = pair.Value;
    }

    /// <summary>The <paramref name="n"/> largest counts, largest first (ties in key order of first appearance).</summary>
    public IReadOnlyList<KeyValuePair<TKey, long>> Top(int n) =>
        [.. _counts.OrderByDescending(p => p.Value).Take(n).Select(p => new KeyValuePair<TKey, long>(p.Key, p.Value))];

    /// <summary>The tracked count of one key (0 when not tracked).</summary>
    public long CountOf(TKey key) => _counts.GetValueOrDefault(key);
}
