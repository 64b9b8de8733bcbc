namespace Conntrack.Monitor.Tests;

/// <summary>The heap selection keeps exactly the counts a full sort would put first, in the same order of values.</summary>
public sealed class LargestTests
{
    [Theory]
    [InlineData(1, 0, 5)]
    [InlineData(2, 1, 1)]
    [InlineData(3, 20, 1000)]
    [InlineData(4, 80, 100)]
    [InlineData(5, 500, 20)]
    public void The_heap_keeps_what_a_sort_puts_first(int seed, int n, int size)
    {
        var random = new Random(seed);
        var counts = Enumerable.Range(0, size).ToDictionary(i => i, _ => (long)random.Next(0, 50));
        Assert.Equal(counts.Values.OrderDescending().Take(n), Largest.Of(counts, n).Select(p => p.Value));
        Assert.Equal(counts.Values.Order().Take(n), Largest.Of(counts, n, smallest: true).Select(p => p.Value));
        Assert.All(Largest.Of(counts, n), p => Assert.Equal(counts[p.Key], p.Value));
    }
}
