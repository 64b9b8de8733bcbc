using System.Runtime.CompilerServices;

namespace Conntrack.Host.Tables;

/// <summary>
/// The most frequent keys of a stream in bounded memory (Misra–Gries with batch pruning): exact
/// while fewer than <c>capacity</c> distinct keys were seen; past that, whenever the map overflows
/// every counter is lowered by the median count and the keys at or below it are forgotten. A reported
/// count then undercounts by at most <see cref="MaxUndercount"/>, and any key more frequent than that
/// is still present. Its own open-addressing table keeps the per-entry path free of tiered-JIT generics.
/// </summary>
public sealed class HeavyHitters<TKey> where TKey : struct, IEquatable<TKey>
{
    private readonly int _capacity;
    private TKey[] _keys;
    private long[] _counts;   // 0 = empty slot
    private int _mask;

    public HeavyHitters(int capacity = 16384)
    {
        _capacity = Math.Max(16, capacity);
        int size = 64;
        _keys = new TKey[size];
        _counts = new long[size];
        _mask = size - 1;
    }

    public long Total { get; private set; }

    /// <summary>0 while every count is exact; otherwise the largest possible undercount of a reported key.</summary>
    public long MaxUndercount { get; private set; }

    public bool IsExact => MaxUndercount == 0;

    /// <summary>Distinct keys currently tracked (all distinct keys seen while <see cref="IsExact"/>).</summary>
    public int Tracked { get; private set; }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(TKey key)
    {
        Total++;
        int slot = key.GetHashCode() & _mask;
        while (true)
        {
            long count = _counts[slot];
            if (count == 0)
            {
                _keys[slot] = key;
                _counts[slot] = 1;
                Tracked++;
                break;
            }
            if (_keys[slot].Equals(key))
            {
                _counts[slot] = count + 1;
                return;
            }
            slot = (slot + 1) & _mask;
        }
        if (Tracked > _capacity)
            Prune();
        else if (Tracked * 2 > _counts.Length)
            Rebuild(_counts.Length * 2, 0);
    }

    private void Prune()
    {
        var values = new long[Tracked];
        int n = 0;
        foreach (long c in _counts)
        {
            if (c > 0)
                values[n++] = c;
        }
        Array.Sort(values);
        long cut = values[values.Length / 2];
        MaxUndercount += cut;
        Rebuild(_counts.Length, cut);
    }

    /// <summary>Re-inserts every key into a table of <paramref name="size"/> slots, lowering counts by <paramref name="cut"/>.</summary>
    private void Rebuild(int size, long cut)
    {
        var oldKeys = _keys;
        var oldCounts = _counts;
        _keys = new TKey[size];
        _counts = new long[size];
        _mask = size - 1;
        Tracked = 0;
        for (int i = 0; i < oldCounts.Length; i++)
        {
            long count = oldCounts[i] - cut;
            if (oldCounts[i] == 0 || count <= 0)
                continue;
            int slot = oldKeys[i].GetHashCode() & _mask;
            while (_counts[slot] != 0)
                slot = (slot + 1) & _mask;
            _keys[slot] = oldKeys[i];
            _counts[slot] = count;
            Tracked++;
        }
    }

    /// <summary>The <paramref name="n"/> largest counts, largest first.</summary>
    public IReadOnlyList<KeyValuePair<TKey, long>> Top(int n)
    {
        var all = new List<KeyValuePair<TKey, long>>(Tracked);
        for (int i = 0; i < _counts.Length; i++)
        {
            if (_counts[i] > 0)
                all.Add(new(_keys[i], _counts[i]));
        }
        return [.. all.OrderByDescending(p => p.Value).Take(n)];
    }

    /// <summary>The tracked count of one key (0 when not tracked).</summary>
    public long CountOf(TKey key)
    {
        int slot = key.GetHashCode() & _mask;
        while (_counts[slot] != 0)
        {
            if (_keys[slot].Equals(key))
                return _counts[slot];
            slot = (slot + 1) & _mask;
        }
        return 0;
    }
}
