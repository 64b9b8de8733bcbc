using Conntrack.Host.Parsing;
using Conntrack.Host.Tables;
using Conntrack.Protocols;
using Conntrack.Settings;
using Conntrack.Timeouts;

namespace Conntrack.Host.Tests;

public class TableParserTests
{
    private static TableEntry Entry(string line)
    {
        var kind = ConntrackLineParser.Parse(line, out var entry, out string expected);
        Assert.True(kind == TableLineKind.Entry, $"not an entry ({expected}): {line}");
        return entry;
    }

    private static string Malformed(string line)
    {
        var kind = ConntrackLineParser.Parse(line, out _, out string expected);
        Assert.Equal(TableLineKind.Malformed, kind);
        Assert.False(string.IsNullOrEmpty(expected));
        return expected;
    }

    [Fact]
    public void Reads_the_6x_proc_lines_of_the_reference()
    {
        var tcp = Entry("ipv4     2 tcp      6 118 TIME_WAIT src=127.0.0.1 dst=127.0.0.1 sport=39138 dport=8080 src=127.0.0.1 dst=127.0.0.1 sport=8080 dport=39138 [ASSURED] mark=0 zone=0 use=2");
        Assert.Equal((byte)2, tcp.Family);
        Assert.Equal((byte)6, tcp.Protocol);
        Assert.Equal(118, tcp.Timeout);
        Assert.Equal("TIME_WAIT", StateNames.Name(tcp.State));
        Assert.Equal(39138, tcp.SourcePort);
        Assert.Equal(8080, tcp.DestinationPort);
        Assert.True(tcp.Assured);
        Assert.False(tcp.Unreplied);
        Assert.True(tcp.HasL3Prefix && tcp.HasZoneField && tcp.HasMark);
        Assert.Equal("127.0.0.1", tcp.Source.ToString());

        var udp = Entry("ipv4     2 udp      17 28 src=127.0.0.1 dst=127.0.0.1 sport=47330 dport=9999 [UNREPLIED] src=127.0.0.1 dst=127.0.0.1 sport=9999 dport=47330 mark=0 zone=0 use=2");
        Assert.True(udp.Unreplied);
        Assert.Equal(StateId.Absent, udp.State);

        var icmp = Entry("ipv4     2 icmp     1 29 src=10.99.1.2 dst=10.99.2.2 type=8 code=0 id=4660 src=10.99.2.2 dst=10.99.1.2 type=0 code=0 id=4660 mark=0 zone=0 use=2");
        Assert.Equal((byte)1, icmp.Protocol);
        Assert.Equal(-1, icmp.DestinationPort);

        var generic = Entry("ipv4     2 unknown  253 599 src=10.99.1.2 dst=10.99.2.2 [UNREPLIED] src=10.99.2.2 dst=10.99.1.2 mark=0 zone=0 use=2");
        Assert.Equal((byte)253, generic.Protocol);
        Assert.Equal(599, generic.Timeout);

        var gre = Entry("ipv4     2 gre      47 29 timeout=30, stream_timeout=180 src=10.99.1.2 dst=10.99.2.2 srckey=0x0 dstkey=0x0 [UNREPLIED] src=10.99.2.2 dst=10.99.1.2 srckey=0x0 dstkey=0x0 mark=0 zone=0 use=2");
        Assert.Equal((byte)47, gre.Protocol);
        Assert.Equal(29, gre.Timeout);
        Assert.True(gre.Unreplied);

        var v6 = Entry("ipv6     10 tcp      6 431998 ESTABLISHED src=0000:0000:0000:0000:0000:0000:0000:0001 dst=0000:0000:0000:0000:0000:0000:0000:0001 sport=40344 dport=8081 packets=3 bytes=229 src=0000:0000:0000:0000:0000:0000:0000:0001 dst=0000:0000:0000:0000:0000:0000:0000:0001 sport=8081 dport=40344 packets=2 bytes=152 [ASSURED] mark=0 zone=0 delta-time=1 use=2");
        Assert.Equal((byte)10, v6.Family);
        Assert.True(v6.Source.IsV6);
        Assert.Equal("::1", v6.Source.ToString());
    }

    [Fact]
    public void Reads_conntrack_L_and_extended_output()
    {
        var plain = Entry("tcp      6 118 TIME_WAIT src=127.0.0.1 dst=127.0.0.1 sport=39138 dport=8080 src=127.0.0.1 dst=127.0.0.1 sport=8080 dport=39138 [ASSURED] mark=0 use=1");
        Assert.False(plain.HasL3Prefix);
        Assert.False(plain.HasZoneField);
        Assert.Equal((byte)2, plain.Family);

        var extended = Entry("ipv6     10 udp      17 28 src=::1 dst=::1 sport=50233 dport=9998 packets=1 bytes=49 [UNREPLIED] src=::1 dst=::1 sport=9998 dport=50233 packets=0 bytes=0 mark=0 delta-time=1 use=1");
        Assert.True(extended.HasL3Prefix);
        Assert.True(extended.Unreplied);
        Assert.Equal("::1", extended.Destination.ToString());

        // "unknown" as the L4 name of -L output is not an L3 prefix.
        var generic = Entry("unknown  50 599 src=10.0.0.1 dst=10.0.0.2 src=10.0.0.2 dst=10.0.0.1 mark=0 use=1");
        Assert.Equal((byte)50, generic.Protocol);
        Assert.False(generic.HasL3Prefix);

        Assert.Equal(TableLineKind.Trailer, ConntrackLineParser.Parse("conntrack v1.4.7 (conntrack-tools): 3 flow entries have been shown.", out _, out _));
    }

    [Fact]
    public void Reads_the_2_6_ip_conntrack_format_and_offloaded_entries()
    {
        var old = Entry("tcp      6 431999 ESTABLISHED src=172.16.1.9 dst=192.0.2.25 sport=1044 dport=25 src=192.0.2.25 dst=172.16.1.9 sport=25 dport=1044 [ASSURED] use=1");
        Assert.Equal(431999, old.Timeout);
        Assert.False(old.HasMark);

        var offloaded = Entry("ipv4     2 tcp      6 ESTABLISHED src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2 src=10.0.0.2 dst=10.0.0.1 sport=2 dport=1 [OFFLOAD] mark=0 zone=0 use=3");
        Assert.Equal(-1, offloaded.Timeout);
        Assert.True(offloaded.Offloaded);
        Assert.True(offloaded.Assured);
    }

    [Theory]
    [InlineData("hello world", "L4 protocol name")]
    [InlineData("ipv4     2 tcp      6 431999 ESTABLISHED src=10.0.0.1 dst=10.0.0.2 sport=40001 dport=443 src=10.0.0.2", "truncated")]
    [InlineData("ipv4     2 tcp      6 1 ESTABLISHED src=10.0.0.999 dst=10.0.0.2 sport=1 dport=2 src=10.0.0.2 dst=10.0.0.1 sport=2 dport=1", "address")]
    [InlineData("ipv4     2 tcp      6 60 ESTABLISHED src=10.0.0.3 dst=10.0.0.4 sport=99999 dport=443 src=10.0.0.4 dst=10.0.0.3 sport=443 dport=99999", "port number")]
    [InlineData("ipv4     2 tcp      6 60 ESTABLISHED src=10.0.0.3 dst=10.0.0.4 src=10.0.0.4 dst=10.0.0.3", "sport= and dport=")]
    [InlineData("    [NEW] tcp      6 120 SYN_SENT src=127.0.0.1 dst=127.0.0.1 sport=1 dport=2 [UNREPLIED] src=127.0.0.1 dst=127.0.0.1 sport=2 dport=1", "conntrack -E")]
    [InlineData("ipv4     2 tcp      x", "protocol number")]
    [InlineData("tcp 6 10 established src=1.2.3.4", "protocol state")]
    public void Names_what_a_broken_line_lacks(string line, string expectedFragment) =>
        Assert.Contains(expectedFragment, Malformed(line), StringComparison.Ordinal);

    [Fact]
    public void Table_reader_counts_malformed_lines_with_their_numbers_and_goes_on()
    {
        string text = string.Join('\n',
            "ipv4     2 udp      17 28 src=10.0.0.1 dst=10.0.0.2 sport=1 dport=53 [UNREPLIED] src=10.0.0.2 dst=10.0.0.1 sport=53 dport=1 mark=0 zone=0 use=2",
            "\0\0garbage",
            new string('x', LineReader.MaxLineLength + 10),
            "",
            "ipv4     2 tcp      6 100 SYN_SENT src=10.0.0.1 dst=10.0.0.3 sport=2 dport=80 [UNREPLIED] src=10.0.0.3 dst=10.0.0.1 sport=80 dport=2 mark=0 zone=0 use=2");
        var issues = new ParseIssueLog();
        var result = TableReader.Read(Support.Text(text), "t", new ConntrackSettings(), issues);
        Assert.Equal(2, result.Summary.Entries);
        Assert.Equal(2, result.Malformed);
        Assert.Equal([2L, 3L], issues.Kept.Select(i => i.Line));
        Assert.Contains("16 KiB", issues.Kept[1].Expected, StringComparison.Ordinal);
        Assert.Equal("/proc/net/nf_conntrack", result.Format);
    }

    [Fact]
    public void Summary_counts_states_ports_and_ages_entries_against_their_timeouts()
    {
        var settings = new ConntrackSettings();
        var summary = new TableSummary(settings);
        void Add(string line) => summary.Add(Entry(line));
        // ESTABLISHED idle 2 days: 432000 - 259200 = 172800 left.
        Add("ipv4     2 tcp      6 259200 ESTABLISHED src=10.0.0.1 dst=10.0.0.9 sport=1 dport=443 src=10.0.0.9 dst=10.0.0.1 sport=443 dport=1 [ASSURED] mark=0 zone=0 use=2");
        Add("ipv4     2 tcp      6 431000 ESTABLISHED src=10.0.0.2 dst=10.0.0.9 sport=2 dport=443 src=10.0.0.9 dst=10.0.0.2 sport=443 dport=2 [ASSURED] mark=0 zone=0 use=2");
        Add("ipv4     2 udp      17 100 src=10.0.0.3 dst=10.0.0.9 sport=3 dport=443 src=10.0.0.9 dst=10.0.0.3 sport=443 dport=3 [ASSURED] mark=0 zone=7 use=2");
        Add("ipv4     2 udp      17 5 src=10.0.0.3 dst=10.0.0.53 sport=4 dport=53 [UNREPLIED] src=10.0.0.53 dst=10.0.0.3 sport=53 dport=4 mark=0 zone=0 use=2");
        Assert.Equal(4, summary.Entries);
        Assert.Equal(2, summary.ByProtocol[6]);
        Assert.Equal(2, summary.States.Single(s => s.Label == "tcp ESTABLISHED").Count);
        Assert.Equal(1, summary.Zones[7]);
        Assert.Equal(2, summary.DestinationPorts.CountOf((6 << 16) | 443));
        Assert.Equal(1, summary.UnrepliedDestinationPorts.CountOf((17 << 16) | 53));
        var established = summary.Ages[TimeoutClass.TcpEstablished];
        Assert.Equal(2, established.Total);
        Assert.Equal(1, established.CountAtLeast(86_400));
        // Assured UDP ages against the stream timeout (120): 20 s idle; unassured against 30: 25 s idle.
        Assert.Equal(1, summary.Ages[TimeoutClass.UdpStream].CountAtLeast(20));
        Assert.Equal(0, summary.Ages[TimeoutClass.UdpStream].CountAtLeast(21));
        Assert.Equal(1, summary.Ages[TimeoutClass.Udp].CountAtLeast(25));
    }

    [Fact]
    public void Heavy_hitters_are_exact_under_capacity_and_keep_the_heavy_keys_over_it()
    {
        var exact = new HeavyHitters<int>(100);
        for (int i = 0; i < 50; i++)
            exact.Add(i % 10);
        Assert.True(exact.IsExact);
        Assert.Equal(5, exact.CountOf(3));

        var bounded = new HeavyHitters<int>(64);
        for (int i = 0; i < 100_000; i++)
            bounded.Add(i % 7 == 0 ? -1 : i);   // one heavy key among 85,714 distinct ones
        Assert.False(bounded.IsExact);
        Assert.True(bounded.Tracked <= 65);
        var top = bounded.Top(1)[0];
        Assert.Equal(-1, top.Key);
        Assert.InRange(top.Value, 14_286 - bounded.MaxUndercount, 14_286);
    }

    [Fact]
    public void State_names_round_trip()
    {
        for (byte id = 2; id < 30; id++)
            Assert.Equal((StateId)id, StateNames.Parse(StateNames.Name((StateId)id)));
        Assert.Equal(StateId.Other, StateNames.Parse("SOMETHING_NEW"));
    }

    [Fact]
    public void Age_histogram_is_exact_at_the_usual_timeouts()
    {
        var h = new AgeHistogram();
        foreach (long age in new long[] { 0, 59, 60, 61, 7439, 7440, 86_399, 86_400, 400_000, 10_000_000 })
            h.Add(age);
        Assert.Equal(8, h.CountAtLeast(60));
        Assert.Equal(5, h.CountAtLeast(7440));
        Assert.Equal(3, h.CountAtLeast(86_400));
        Assert.True(AgeHistogram.IsExactAt(60) && AgeHistogram.IsExactAt(7440) && AgeHistogram.IsExactAt(86_400) && AgeHistogram.IsExactAt(120));
        Assert.False(AgeHistogram.IsExactAt(7445));
        // Not a boundary: errs low (the partial bin is left out).
        Assert.True(h.CountAtLeast(7445) <= h.CountAtLeast(7440));
    }

    [Fact]
    public void Line_reader_handles_crlf_bom_no_final_newline_and_overlong_lines()
    {
        string text = "\uFEFFfirst\r\nsecond\n" + new string('z', LineReader.MaxLineLength * 2) + "\nlast";
        using var reader = new LineReader(Support.Text(text));
        var lines = new List<(string, bool)>();
        while (reader.TryReadLine(out var line))
            lines.Add((line.ToString(), reader.Truncated));
        Assert.Equal(4, lines.Count);
        Assert.Equal(("first", false), lines[0]);
        Assert.Equal(("second", false), lines[1]);
        Assert.True(lines[2].Item2);
        Assert.Equal(LineReader.MaxLineLength, lines[2].Item1.Length);
        Assert.Equal(("last", false), lines[3]);
        Assert.Equal(4, reader.LineNumber);
    }
}
