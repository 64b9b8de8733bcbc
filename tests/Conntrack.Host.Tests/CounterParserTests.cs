using Conntrack.Host.Counters;
using Conntrack.Host.Parsing;

namespace Conntrack.Host.Tests;

public class CounterParserTests
{
    private static ConntrackCounters Parse(string text, ParseIssueLog? issues = null) =>
        CounterParser.Read(Support.Text(text), "stat", issues ?? new ParseIssueLog()) ?? throw new Xunit.Sdk.XunitException("no counters");

    [Fact]
    public void Sums_6x_proc_rows_except_entries()
    {
        // Reference §8.3: two CPUs, drop 0x5cc + 7, early_drop 0x11, entries 3 on every row.
        var c = Parse("""
            entries  clashres found new invalid ignore delete chainlength insert insert_failed drop early_drop icmp_error  expect_new expect_create expect_delete search_restart
            00000003  00000000 00000000 00000000 00000005 00000000 00000000 00000000 00000001 00000000 000005cc 00000011 00000001  00000000 00000000 00000000 00000000
            00000003  00000000 00000000 00000000 00000006 00000000 00000000 00000000 00000000 00000000 00000007 00000000 00000000  00000000 00000000 00000000 00000000
            """);
        Assert.Equal(2, c.CpuRows);
        Assert.Equal(3, c.Entries);
        Assert.Equal(0x5cc + 7, c.Get("drop"));
        Assert.Equal(17, c.Get("early_drop"));
        Assert.Equal(11, c.Get("invalid"));
        Assert.Equal(1, c.Get("error"));
        Assert.True(c.Has("clash_resolve") && c.Has("chaintoolong"));
        Assert.False(c.Has("clashres"));
        Assert.Contains("6.x", c.Format, StringComparison.Ordinal);
    }

    [Fact]
    public void Reads_the_2_6_header_with_trailing_spaces()
    {
        var c = Parse(
            "entries  searched found new invalid ignore delete delete_list insert insert_failed drop early_drop icmp_error  expect_new expect_create expect_delete \n" +
            "00000800  056fd0b2 002f4e3d 000622c0 000005f0 000157c0 00061ac0 00061ac0 000622c0 00000000 00000f6f 000000d6 00000021  00000000 00000000 00000000 \n");
        Assert.Equal(2048, c.Entries);
        Assert.Equal(3951, c.Get("drop"));
        Assert.Equal(0x56fd0b2, c.Get("searched"));
        Assert.Equal(33, c.Get("error"));
        Assert.Contains("2.6", c.Format, StringComparison.Ordinal);
    }

    [Fact]
    public void Sums_conntrack_S_lines()
    {
        var c = Parse(
            "cpu=0   \tfound=0 invalid=5 insert=1 insert_failed=0 drop=1484 early_drop=17 error=1 search_restart=0 clash_resolve=0 chaintoolong=0 \n" +
            "cpu=1   \tfound=0 invalid=6 insert=0 insert_failed=0 drop=7 early_drop=0 error=0 search_restart=0 clash_resolve=0 chaintoolong=0 \n");
        Assert.Equal("conntrack -S", c.Format);
        Assert.Equal(2, c.CpuRows);
        Assert.Equal(1491, c.Get("drop"));
        Assert.Equal(11, c.Get("invalid"));
        Assert.Null(c.Entries);
    }

    [Fact]
    public void Reads_the_name_value_fallback_of_conntrack_S()
    {
        var c = Parse("entries\t\t4\nsearched\t\t10\nfound\t\t2\ndrop\t\t9\n");
        Assert.Equal(4, c.Entries);
        Assert.Equal(9, c.Get("drop"));
    }

    [Fact]
    public void Skips_rows_with_wrong_columns_or_bad_hex_and_reports_them()
    {
        var issues = new ParseIssueLog();
        var c = Parse(
            "entries  clashres found new invalid ignore delete chainlength insert insert_failed drop early_drop icmp_error  expect_new expect_create expect_delete search_restart\n" +
            "00000002  00000000 00000000\n" +
            "zzzzzzzz  00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000  00000000 00000000 00000000 00000000\n" +
            "00000002  00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000003 00000000 00000000  00000000 00000000 00000000 00000000\n", issues);
        Assert.Equal(1, c.CpuRows);
        Assert.Equal(3, c.Get("drop"));
        Assert.Equal(2, issues.Total);
        Assert.Equal([2L, 3L], issues.Kept.Select(i => i.Line));
        Assert.Contains("17 hexadecimal columns", issues.Kept[0].Expected, StringComparison.Ordinal);
    }

    [Fact]
    public void Garbage_gives_no_counters_but_an_issue()
    {
        var issues = new ParseIssueLog();
        Assert.Null(CounterParser.Read(Support.Text("\u0001\u0002binary\nnot counters at all\n"), "x", issues));
        Assert.Equal(2, issues.Total);
    }
}
