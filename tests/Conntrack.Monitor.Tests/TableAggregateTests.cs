using Conntrack.TestData.Netlink;

namespace Conntrack.Monitor.Tests;

/// <summary>The per-entry aggregation on a dump captured from the 6.18 kernel, against what conntrack -L printed for the same table.</summary>
public class TableAggregateTests
{
    /// <summary>A conntrack -L line as the series it belongs to: family, protocol, state (or none), assured, unreplied.</summary>
    private static string SeriesOfLine(string line)
    {
        var t = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        string state = t[5].All(c => char.IsAsciiLetterUpper(c) || c == '_') ? t[5].ToLowerInvariant() : "none";
        return $"{t[0]}/{t[2]}/{state}/{line.Contains("[ASSURED]", StringComparison.Ordinal)}/{line.Contains("[UNREPLIED]", StringComparison.Ordinal)}";
    }

    private static string SeriesOfKey(SeriesKey k) => $"{k.L3}/{k.L4}/{k.StateName}/{k.Assured}/{k.Unreplied}";

    [Fact]
    public void Series_counts_of_a_real_dump_are_what_conntrack_printed()
    {
        var aggregate = new TableAggregate();
        foreach (var entry in NetlinkFixtures.DumpEntries())
            aggregate.Add(entry);
        var expected = NetlinkFixtures.Lines("dump.conntrack-L.txt").GroupBy(SeriesOfLine).ToDictionary(g => g.Key, g => (long)g.Count());
        var actual = aggregate.Series.ToDictionary(s => SeriesOfKey(s.Key), s => s.Value);
        Assert.Equal(expected.OrderBy(p => p.Key, StringComparer.Ordinal), actual.OrderBy(p => p.Key, StringComparer.Ordinal));
    }

    [Fact]
    public void Sources_are_counted_by_the_original_direction_source()
    {
        var aggregate = new TableAggregate();
        foreach (var entry in NetlinkFixtures.DumpEntries())
            aggregate.Add(entry);
        var expected = NetlinkFixtures.Lines("dump.conntrack-L.txt")
            .GroupBy(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).First(t => t.StartsWith("src=", StringComparison.Ordinal))[4..])
            .ToDictionary(g => g.Key, g => (long)g.Count());
        Assert.Equal(expected.OrderBy(p => p.Key, StringComparer.Ordinal), aggregate.Sources.ToDictionary(s => s.Key.ToString(), s => s.Value).OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.Equal(14, aggregate.Destinations.Values.Sum());
    }

    [Fact]
    public void Removing_every_entry_leaves_no_row_behind()
    {
        var aggregate = new TableAggregate();
        var entries = NetlinkFixtures.DumpEntries();
        entries.ForEach(e => aggregate.Add(e));
        Assert.NotEmpty(aggregate.DestinationPorts);
        entries.ForEach(e => aggregate.Remove(e));
        Assert.Empty(aggregate.Series);
        Assert.Empty(aggregate.Sources);
        Assert.Empty(aggregate.Destinations);
        Assert.Empty(aggregate.DestinationPorts);
    }
}
