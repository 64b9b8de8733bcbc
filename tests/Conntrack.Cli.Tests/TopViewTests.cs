using Conntrack.Cli.Top;
using Conntrack.Monitor.Top;

namespace Conntrack.Cli.Tests;

/// <summary>
/// The top view without a kernel: the layout of a frame at 80×24 and wider, and what iptstate's keys do to the
/// query the watchers are asked (the live view itself is driven in tmux by the kernel parity suite).
/// </summary>
public sealed class TopViewTests
{
    private static TopFrame Frame(bool list = false, int groups = 30, string grouping = "src") => new(
        "netns current", DateTimeOffset.UnixEpoch, grouping, list, "ttl", Reverse: false, Ascending: false, "", new TopHeader(
            Entries: 240_000, Max: 262_144, Buckets: 65_536, CreatedPerSecond: 1500, DestroyedPerSecond: 1200, DropsPerSecond: 3,
            EarlyDropsPerSecond: 0, InsertFailed: 7, TimeToFullSeconds: 75, MemoryBytes: 80 << 20, EventsLost: 0,
            Verdict: "near_full", Headline: "Near full: 240,000 of 262,144 entries (92 %)"),
        ["current"], 240_000,
        [.. Enumerable.Range(0, list ? 0 : groups).Select(i => new TopGroupRow("current", $"10.0.{i}.1", 10_000 - i, i, [1, 5, 9, 10_000 - i]))],
        [.. Enumerable.Range(0, list ? groups : 0).Select(i => new TopEntryRow(
            "current", $"[fd00::{i:x}]:40000", "[2001:db8:ffff:ffff:ffff:ffff:ffff:1]:443", "tcp", "ESTABLISHED", 431_999 - i, true, false, 12, 3400))],
        []);

    private static ConsoleKeyInfo Key(char c) => new(c, default, false, false, false);

    private static ConsoleKeyInfo Key(ConsoleKey key) => new('\0', key, false, false, false);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_frame_fills_80_by_24_exactly_and_no_line_is_wider(bool list)
    {
        var controller = new TopController(new TopQuery(), false, _ => false, _ => 0);
        var lines = controller.Lines(Frame(list), 80, 24);
        Assert.Equal(24, lines.Count);
        Assert.All(lines, l => Assert.True(l.Text.Length <= 80, $"{l.Text.Length}: {l.Text}"));
        Assert.StartsWith("entries 240,000 / 262,144 [", lines[1].Text, StringComparison.Ordinal);
        Assert.Contains("drops/s 3.0", lines[2].Text, StringComparison.Ordinal);
        Assert.StartsWith("full in 75 s  memory 80 MiB", lines[3].Text, StringComparison.Ordinal);
        Assert.Equal(LineStyle.Alert, lines[4].Style);
        Assert.Equal(LineStyle.Heading, lines[TopLayout.HeaderLines].Style);
        // The rows that fit: 24 less the header, the column heading and the status line; the first highlighted.
        Assert.Equal(LineStyle.Selected, lines[TopLayout.HeaderLines + 1].Style);
        Assert.Equal(TopLayout.RowsFor(24), lines[(TopLayout.HeaderLines + 1)..^1].Count(l => l.Text.Length > 0));
        if (list)
            Assert.Contains("…", lines[TopLayout.HeaderLines + 1].Text, StringComparison.Ordinal);
        else
            Assert.Matches(@"^10\.0\.0\.1 +10,000 +3\.8% +0 ▁▁▁█$", lines[TopLayout.HeaderLines + 1].Text);
    }

    [Fact]
    public void A_wide_terminal_shows_whole_addresses()
    {
        var lines = TopLayout.Lines(Frame(list: true), 160, selected: null, status: "");
        Assert.Contains("[2001:db8:ffff:ffff:ffff:ffff:ffff:1]:443", lines[TopLayout.HeaderLines + 1].Text, StringComparison.Ordinal);
        Assert.All(lines, l => Assert.True(l.Text.Length <= 160));
    }

    [Fact]
    public void Sparklines_scale_to_their_own_range_newest_right()
    {
        Assert.Equal("▁▄█", TopLayout.Sparkline([100, 150, 200], 10));
        Assert.Equal("▁▁▁", TopLayout.Sparkline([7, 7, 7], 10));
        Assert.Equal("▁█", TopLayout.Sparkline([900, 1, 2], 2));
        Assert.Equal("", TopLayout.Sparkline([], 10));
    }

    [Fact]
    public void Keys_change_the_query_as_iptstate_does()
    {
        var c = new TopController(new TopQuery(), false, _ => false, _ => 0);
        c.Handle(Key('g'), Frame());
        Assert.Equal(TopGrouping.Destination, c.Query.Grouping);
        foreach (int _ in Enumerable.Range(0, TopGroupings.All.Count - 1))
            c.Handle(Key('g'), Frame());
        Assert.Equal(TopGrouping.Source, c.Query.Grouping);
        c.Handle(Key('l'), Frame());
        Assert.True(c.Query.ListEntries);
        c.Handle(Key('b'), Frame(list: true));
        Assert.Equal(TopColumn.Packets, c.Query.SortBy);
        c.Handle(Key('r'), Frame(list: true));
        Assert.True(c.Query.Reverse);
        c.Handle(Key(ConsoleKey.PageDown), Frame(list: true, groups: c.Query.Rows));
        Assert.Equal(c.Query.Rows, c.Query.Offset);
        c.Handle(Key(ConsoleKey.Home), Frame(list: true));
        Assert.Equal(0, c.Query.Offset);
        c.Handle(Key('q'), Frame());
        Assert.True(c.Quit);
    }

    [Fact]
    public void A_typed_filter_is_conntracks_vocabulary_and_a_bad_one_is_refused_on_the_status_line()
    {
        var c = new TopController(new TopQuery(), false, _ => false, _ => 0);
        c.Handle(Key('/'), Frame());
        foreach (char ch in "-p tcp --dport 443")
            c.Handle(Key(ch), Frame());
        c.Handle(Key(ConsoleKey.Enter), Frame());
        Assert.Equal("-p tcp --dport 443", c.Query.FilterText);
        Assert.Equal((ushort)443, c.Query.Filter!.OriginalDestinationPort);
        var before = c.Query;
        c.Handle(Key('f'), Frame());
        foreach (char ch in " --mark x")
            c.Handle(Key(ch), Frame());
        c.Handle(Key(ConsoleKey.Enter), Frame());
        Assert.Same(before, c.Query);
        Assert.Equal("filter not applied: --mark 'x': expected a 32-bit mark, decimal or 0x hexadecimal, optionally /MASK such as 0x10/0xff",
            c.Lines(Frame(), 200, 24)[^1].Text);
    }

    [Fact]
    public void Delete_is_refused_without_allow_delete_and_asks_first_with_it()
    {
        int deleted = 0;
        var readOnly = new TopController(new TopQuery(), false, _ => throw new InvalidOperationException("must not delete"), _ => throw new InvalidOperationException("must not delete"));
        readOnly.Handle(Key('d'), Frame());
        Assert.Equal("read-only: start ctnet top with --allow-delete to delete entries", readOnly.Lines(Frame(), 80, 24)[^1].Text);

        var allowed = new TopController(new TopQuery(), true, _ => false, g => { deleted++; return g.Entries; });
        allowed.Handle(Key(ConsoleKey.DownArrow), Frame());
        allowed.Handle(Key('d'), Frame());
        Assert.Equal("delete the 9999 entries of 10.0.1.1 in current? y/N", allowed.Lines(Frame(), 80, 24)[^1].Text);
        allowed.Handle(Key('n'), Frame());
        Assert.Equal(0, deleted);
        allowed.Handle(Key('d'), Frame());
        allowed.Handle(Key('y'), Frame());
        Assert.Equal(1, deleted);
        Assert.Equal("deleted 9999 entries", allowed.Lines(Frame(), 80, 24)[^1].Text);
    }
}
