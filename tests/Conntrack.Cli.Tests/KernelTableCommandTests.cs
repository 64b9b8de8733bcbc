namespace Conntrack.Cli.Tests;

/// <summary>
/// list, count, stats, events and delete refuse bad filters and formats with one line naming the option and
/// exit code 2, before any netlink request (the comparisons with conntrack-tools are in the kernel parity suite).
/// </summary>
public sealed class KernelTableCommandTests
{
    private static void AssertRefused(string expectedLine, params string[] args)
    {
        var run = CtnetProcess.Run(args);
        Assert.Equal(2, run.ExitCode);
        Assert.Equal(expectedLine + "\n", run.Stderr);
        Assert.Empty(run.Stdout);
    }

    [Theory]
    [InlineData("--src '10.1.0.300': expected an IPv4 or IPv6 address, optionally with a prefix length such as 10.0.0.0/8 or fd00::/16", "-s", "10.1.0.300")]
    [InlineData("--reply-dst '10.0.0.0/33': expected an IPv4 or IPv6 address, optionally with a prefix length such as 10.0.0.0/8 or fd00::/16", "-q", "10.0.0.0/33")]
    [InlineData("--dst 'fd00::/129': expected an IPv4 or IPv6 address, optionally with a prefix length such as 10.0.0.0/8 or fd00::/16", "-d", "fd00::/129")]
    [InlineData("--proto 'bogus': expected a protocol: tcp, udp, udplite, icmp, icmpv6, sctp, gre, dccp or a number from 0 to 255", "-p", "bogus")]
    [InlineData("--proto '256': expected a protocol: tcp, udp, udplite, icmp, icmpv6, sctp, gre, dccp or a number from 0 to 255", "-p", "256")]
    [InlineData("--family 'ipv5': expected ipv4 or ipv6", "-f", "ipv5")]
    [InlineData("--state 'BOGUS': expected a TCP state such as ESTABLISHED or TIME_WAIT", "-p", "tcp", "--state", "BOGUS")]
    [InlineData("--state 'COOKIE_WAIT': expected a TCP state such as ESTABLISHED or TIME_WAIT", "-p", "tcp", "--state", "COOKIE_WAIT")]
    [InlineData("--state needs -p tcp, sctp or dccp: only those protocols have states", "--state", "ESTABLISHED")]
    [InlineData("--dport needs -p tcp, udp, udplite, sctp or dccp: only those protocols have ports", "--dport", "53")]
    [InlineData("--sport needs -p tcp, udp, udplite, sctp or dccp: only those protocols have ports", "-p", "icmp", "--sport", "1")]
    [InlineData("--dport '65536': expected a port number from 0 to 65535", "-p", "tcp", "--dport", "65536")]
    [InlineData("--mark 'x': expected a 32-bit mark, decimal or 0x hexadecimal, optionally /MASK such as 0x10/0xff", "-m", "x")]
    [InlineData("--mark '0x1/zz': expected a 32-bit mark, decimal or 0x hexadecimal, optionally /MASK such as 0x10/0xff", "-m", "0x1/zz")]
    [InlineData("--mark '4294967296': expected a 32-bit mark, decimal or 0x hexadecimal, optionally /MASK such as 0x10/0xff", "-m", "4294967296")]
    [InlineData("--status 'NONE': expected status names separated by commas: EXPECTED, SEEN_REPLY, ASSURED, FIXED_TIMEOUT, OFFLOAD, HW_OFFLOAD, UNREPLIED", "-u", "NONE")]
    [InlineData("--zone '70000': expected a zone number from 0 to 65535", "-w", "70000")]
    [InlineData("--orig-zone '-1': expected a zone number from 0 to 65535", "--orig-zone", "-1")]
    [InlineData("the addresses and -f name both IPv4 and IPv6: an entry has one family", "-s", "1.2.3.4", "-d", "::1")]
    [InlineData("the addresses and -f name both IPv4 and IPv6: an entry has one family", "-s", "1.2.3.4", "-f", "ipv6")]
    public void Every_table_command_refuses_a_bad_filter_in_one_line(string message, params string[] filter)
    {
        foreach (string command in new[] { "list", "count", "delete", "events", "top" })
            AssertRefused("ctnet: " + message, [command, .. filter]);
    }

    [Theory]
    [InlineData("--netns '.': expected a name from 'ip netns list', pid:PID or a path", ".")]
    [InlineData("--netns 'pid:0': expected pid:PID with a process id above 0", "pid:0")]
    [InlineData("netns ctnet-no-such-ns: no such network namespace (/run/netns/ctnet-no-such-ns)", "ctnet-no-such-ns")]
    [InlineData("/no/such/ns: no such network namespace (/no/such/ns)", "/no/such/ns")]
    public void A_namespace_that_is_not_there_is_named(string message, string netns)
    {
        foreach (string command in new[] { "list", "count", "stats", "events", "delete --all" })
            AssertRefused("ctnet: " + message, [.. command.Split(' '), "--netns", netns]);
    }

    [Fact]
    public void Formats_are_conntracks_names_and_json_alone()
    {
        AssertRefused("ctnet: --output 'xml': expected extended or id, separated by commas, or json alone", "list", "-o", "xml");
        AssertRefused("ctnet: --output 'json,id': expected extended or id, separated by commas, or json alone", "list", "-o", "json,id");
        AssertRefused("ctnet: --output 'ktimestamp': expected extended, id or timestamp, separated by commas, or json alone", "events", "-o", "ktimestamp");
    }

    [Fact]
    public void Delete_needs_a_filter_or_all_but_not_both()
    {
        AssertRefused("ctnet: delete without a filter would remove every entry: give a filter (see ctnet delete --help) or --all", "delete");
        AssertRefused("ctnet: delete without a filter would remove every entry: give a filter (see ctnet delete --help) or --all", "delete", "--dry-run");
        AssertRefused("ctnet: --all deletes every entry: it does not go with a filter", "delete", "--all", "-p", "tcp");
    }

    [Fact]
    public void Count_and_events_check_their_own_options()
    {
        AssertRefused("ctnet: --by 'colour': expected keys separated by commas from state, proto, src, dst, dport, zone, mark", "count", "--by", "colour");
        AssertRefused("ctnet: --top and --json go with --by", "count", "--top", "5");
        AssertRefused("ctnet: --top '-1': expected a whole number from 0 to 10000000", "count", "--by", "state", "--top", "-1");
        AssertRefused("ctnet: --event-mask 'FOO': expected NEW, UPDATE, DESTROY or ALL, separated by commas", "events", "-e", "FOO");
        AssertRefused("ctnet: --buffer-size '10': expected from 64K to 1G", "events", "-b", "10");
    }

    [Fact]
    public void Top_checks_its_own_options_before_watching()
    {
        AssertRefused("ctnet: --group 'colour': expected src, dst, dport, state, netns, zone or mark", "top", "--group", "colour");
        AssertRefused("ctnet: --sort 'age': expected source, destination, protocol, state, ttl, packets or bytes", "top", "--list", "--sort", "age");
        AssertRefused("ctnet: --rows '0': expected a whole number from 1 to 10000", "top", "--once", "--rows", "0");
        AssertRefused("ctnet: --netns 'ctnet-no-such-ns': expected all or a namespace name in /run/netns (ip netns list)", "top", "--netns", "ctnet-no-such-ns");
        AssertRefused("ctnet: --json needs --once: the live view is for a terminal", "top", "--json");
        // The test's standard streams are pipes, as under cron or a CI job.
        AssertRefused("ctnet: ctnet top needs a terminal; use --once to print one frame (--once --json for JSON)", "top");
    }

    [Fact]
    public void Help_lists_conntracks_short_options()
    {
        var help = CtnetProcess.Run("list", "--help");
        Assert.Equal(0, help.ExitCode);
        foreach (string option in new[] { "-s, ", "--src", "-r, --reply-src", "-q, --reply-dst", "-m, --mark", "-u, --status", "-w, --zone", "--orig-zone", "--sport", "--reply-port-dst", "-o, --output", "--netns" })
            Assert.Contains(option, help.Stdout, StringComparison.Ordinal);
    }
}
