using Conntrack.KernelParity.Tests.Comparison;

namespace Conntrack.KernelParity.Tests.Harness;

/// <summary>The /proc line parser, on the real 6.18 lines of reference §8.1.</summary>
public sealed class ProcEntryTests
{
    [Fact]
    public void Tcp_line_gives_state_tuples_and_flags()
    {
        var e = ProcEntry.Parse("ipv4     2 tcp      6 118 TIME_WAIT src=127.0.0.1 dst=127.0.0.1 sport=39138 dport=8080 src=127.0.0.1 dst=127.0.0.1 sport=8080 dport=39138 [ASSURED] mark=0 zone=0 use=2");
        Assert.Equal(2, e.Family);
        Assert.Equal(6, e.Protocol);
        Assert.Equal(118, e.TimeoutSeconds);
        Assert.Equal("TIME_WAIT", e.State);
        Assert.Equal("src=127.0.0.1 dst=127.0.0.1 sport=39138 dport=8080", e.OriginalTuple);
        Assert.Equal("src=127.0.0.1 dst=127.0.0.1 sport=8080 dport=39138", e.ReplyTuple);
        Assert.True(e.Assured);
        Assert.False(e.Unreplied);
        Assert.Equal("2/6 src=127.0.0.1 dst=127.0.0.1 sport=39138 dport=8080", e.Key);
    }

    [Fact]
    public void Unreplied_udp_has_no_state()
    {
        var e = ProcEntry.Parse("ipv4     2 udp      17 28 src=127.0.0.1 dst=127.0.0.1 sport=47330 dport=9999 [UNREPLIED] src=127.0.0.1 dst=127.0.0.1 sport=9999 dport=47330 mark=0 zone=0 use=2");
        Assert.Null(e.State);
        Assert.True(e.Unreplied);
        Assert.False(e.Assured);
        Assert.Equal("src=127.0.0.1 dst=127.0.0.1 sport=9999 dport=47330", e.ReplyTuple);
    }

    [Fact]
    public void Icmp_key_holds_type_code_and_id()
    {
        var e = ProcEntry.Parse("ipv4     2 icmp     1 29 src=10.99.1.2 dst=10.99.2.2 type=8 code=0 id=4660 src=10.99.2.2 dst=10.99.1.2 type=0 code=0 id=4660 mark=0 zone=0 use=2");
        Assert.Equal("2/1 src=10.99.1.2 dst=10.99.2.2 type=8 code=0 id=4660", e.Key);
        Assert.Equal("src=10.99.2.2 dst=10.99.1.2 type=0 code=0 id=4660", e.ReplyTuple);
    }

    [Fact]
    public void Gre_timeouts_are_not_taken_for_a_state()
    {
        var e = ProcEntry.Parse("ipv4     2 gre      47 29 timeout=30, stream_timeout=180 src=10.99.1.2 dst=10.99.2.2 srckey=0x0 dstkey=0x0 [UNREPLIED] src=10.99.2.2 dst=10.99.1.2 srckey=0x0 dstkey=0x0 mark=0 zone=0 use=2");
        Assert.Null(e.State);
        Assert.Equal("src=10.99.1.2 dst=10.99.2.2 srckey=0x0 dstkey=0x0", e.OriginalTuple);
        Assert.True(e.Unreplied);
    }

    [Fact]
    public void Generic_and_accounted_ipv6_lines_parse()
    {
        var generic = ProcEntry.Parse("ipv4     2 unknown  253 599 src=10.99.1.2 dst=10.99.2.2 [UNREPLIED] src=10.99.2.2 dst=10.99.1.2 mark=0 zone=0 use=2");
        Assert.Equal("src=10.99.1.2 dst=10.99.2.2", generic.OriginalTuple);
        Assert.Equal("src=10.99.2.2 dst=10.99.1.2", generic.ReplyTuple);

        var v6 = ProcEntry.Parse("ipv6     10 tcp      6 431998 ESTABLISHED src=0000:0000:0000:0000:0000:0000:0000:0001 dst=0000:0000:0000:0000:0000:0000:0000:0001 sport=40344 dport=8081 packets=3 bytes=229 src=0000:0000:0000:0000:0000:0000:0000:0001 dst=0000:0000:0000:0000:0000:0000:0000:0001 sport=8081 dport=40344 packets=2 bytes=152 [ASSURED] mark=0 zone=0 delta-time=1 use=2");
        Assert.Equal(10, v6.Family);
        Assert.Equal("src=0000:0000:0000:0000:0000:0000:0000:0001 dst=0000:0000:0000:0000:0000:0000:0000:0001 sport=8081 dport=40344", v6.ReplyTuple);
        Assert.True(v6.Assured);
        Assert.Equal((3L, 229L), v6.OriginalCounters);
        Assert.Equal((2L, 152L), v6.ReplyCounters);
        Assert.Equal(1, v6.DeltaTime);
        Assert.Null(generic.DeltaTime);
        Assert.Null(generic.OriginalCounters);
    }
}
