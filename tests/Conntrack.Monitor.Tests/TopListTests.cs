namespace Conntrack.Monitor.Tests;

/// <summary>The cardinality cap: at most --top rows by name, the rest summed as "other".</summary>
public class TopListTests
{
    private static Dictionary<int, long> Talkers(int count) => Enumerable.Range(1, count).ToDictionary(i => i, i => (long)i * 10);

    [Fact]
    public void The_largest_are_named_and_the_rest_is_one_other_row()
    {
        var rows = TopList.Of(Talkers(30), 20, i => $"t{i}");
        Assert.Equal(21, rows.Count);
        Assert.Equal(Enumerable.Range(11, 20).Reverse().Select(i => $"t{i}"), rows.Take(20).Select(r => r.Label));
        Assert.Equal(TopList.Other, rows[^1].Label);
        Assert.Equal(Enumerable.Range(1, 10).Sum() * 10, rows[^1].Entries);
        Assert.Equal(Talkers(30).Values.Sum(), rows.Sum(r => r.Entries));
    }

    [Fact]
    public void Fewer_talkers_than_the_cap_have_no_other_row()
    {
        var rows = TopList.Of(Talkers(5), 20, i => $"t{i}");
        Assert.Equal(5, rows.Count);
        Assert.DoesNotContain(rows, r => r.Label == TopList.Other);
        Assert.Empty(TopList.Of(new Dictionary<int, long>(), 20, i => $"t{i}"));
    }
}
