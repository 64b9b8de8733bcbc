using Conntrack.Core.Tests.Support;
using Conntrack.Formats;
using Conntrack.Packets;
using Conntrack.Table;
using static Conntrack.Core.Tests.Support.Pkt;

namespace Conntrack.Core.Tests;

/// <summary>
/// The same entries as the reference's observed lines (§8.1 /proc/net/nf_conntrack, §8.2 conntrack -L),
/// built from packets, must print character for character the same.
/// </summary>
public sealed class EntryFormatterTests
{
    // TCP options of a Linux SYN / SYN-ACK (MSS, SACK-permitted, timestamps, NOP, window scale): 20 bytes.
    private static readonly byte[] SynOptions = Hex("020405b4 0402 080a 00000001 00000000 01 030307");

    // NOP NOP timestamps: 12 bytes, as on every later Linux segment.
    private static readonly byte[] TsOptions = Hex("0101 080a 00000002 00000001");

    private static (Harness H, EntryView Entry) TimeWaitLoopback()
    {
        var h = new Harness();
        var c = new TcpConn("127.0.0.1", 39138, "127.0.0.1", 8080);
        h.Send(c.Syn());
        h.SendAfter(0.0001, c.SynAck());
        h.SendAfter(0.0001, c.HandshakeAck());
        h.SendAfter(0.0001, c.C(TcpFlags.Fin | TcpFlags.Ack, 1001, 5001));
        h.SendAfter(0.0001, c.S(TcpFlags.Ack, 5001, 1002));
        h.SendAfter(0.0001, c.S(TcpFlags.Fin | TcpFlags.Ack, 5001, 1002));
        h.SendAfter(0.0001, c.C(TcpFlags.Ack, 1002, 5002));
        h.Now += Harness.Sec(1.5); // 118.5 s left → 118
        return (h, h.Entry(c.Tuple));
    }

    private static (Harness H, EntryView Entry) UnrepliedUdpLoopback()
    {
        var h = new Harness();
        var q = Udp("127.0.0.1", 47330, "127.0.0.1", 9999, payload: 1);
        h.Send(q);
        h.Now += Harness.Sec(1.5);
        return (h, h.Entry(TupleOf(q)));
    }

    [Fact]
    public void Proc_tcp_time_wait()
    {
        var (h, e) = TimeWaitLoopback();
        Assert.Equal(
            "ipv4     2 tcp      6 118 TIME_WAIT src=127.0.0.1 dst=127.0.0.1 sport=39138 dport=8080 src=127.0.0.1 dst=127.0.0.1 sport=8080 dport=39138 [ASSURED] mark=0 zone=0 use=2",
            EntryFormatter.ProcLine(e, h.Now, h.Settings));
    }

    [Fact]
    public void Conntrack_tcp_time_wait()
    {
        var (h, e) = TimeWaitLoopback();
        Assert.Equal(
            "tcp      6 118 TIME_WAIT src=127.0.0.1 dst=127.0.0.1 sport=39138 dport=8080 src=127.0.0.1 dst=127.0.0.1 sport=8080 dport=39138 [ASSURED] mark=0 use=1",
            EntryFormatter.ConntrackLine(e, h.Now, h.Settings));
    }

    [Fact]
    public void Proc_udp_unreplied()
    {
        var (h, e) = UnrepliedUdpLoopback();
        Assert.Equal(
            "ipv4     2 udp      17 28 src=127.0.0.1 dst=127.0.0.1 sport=47330 dport=9999 [UNREPLIED] src=127.0.0.1 dst=127.0.0.1 sport=9999 dport=47330 mark=0 zone=0 use=2",
            EntryFormatter.ProcLine(e, h.Now, h.Settings));
    }

    [Fact]
    public void Conntrack_udp_unreplied()
    {
        var (h, e) = UnrepliedUdpLoopback();
        Assert.Equal(
            "udp      17 28 src=127.0.0.1 dst=127.0.0.1 sport=47330 dport=9999 [UNREPLIED] src=127.0.0.1 dst=127.0.0.1 sport=9999 dport=47330 mark=0 use=1",
            EntryFormatter.ConntrackLine(e, h.Now, h.Settings));
    }

    [Fact]
    public void Proc_icmp_echo()
    {
        var h = new Harness();
        var request = Icmp("10.99.1.2", "10.99.2.2", 8, 0, 4660, 1);
        h.Send(request);
        h.SendAfter(0.001, Icmp("10.99.2.2", "10.99.1.2", 0, 0, 4660, 1));
        h.Now += Harness.Sec(0.5);
        Assert.Equal(
            "ipv4     2 icmp     1 29 src=10.99.1.2 dst=10.99.2.2 type=8 code=0 id=4660 src=10.99.2.2 dst=10.99.1.2 type=0 code=0 id=4660 mark=0 zone=0 use=2",
            EntryFormatter.ProcLine(h.Entry(TupleOf(request)), h.Now, h.Settings));
    }

    [Fact]
    public void Proc_generic()
    {
        var h = new Harness();
        var packet = Generic("10.99.1.2", "10.99.2.2", 253, Hex("0102030405060708"));
        h.Send(packet);
        h.Now += Harness.Sec(0.5);
        Assert.Equal(
            "ipv4     2 unknown  253 599 src=10.99.1.2 dst=10.99.2.2 [UNREPLIED] src=10.99.2.2 dst=10.99.1.2 mark=0 zone=0 use=2",
            EntryFormatter.ProcLine(h.Entry(TupleOf(packet)), h.Now, h.Settings));
    }

    [Fact]
    public void Proc_gre()
    {
        var h = new Harness();
        var packet = Generic("10.99.1.2", "10.99.2.2", 47, Hex("0000 0800 45000000"));
        h.Send(packet);
        h.Now += Harness.Sec(0.5);
        Assert.Equal(
            "ipv4     2 gre      47 29 timeout=30, stream_timeout=180 src=10.99.1.2 dst=10.99.2.2 srckey=0x0 dstkey=0x0 [UNREPLIED] src=10.99.2.2 dst=10.99.1.2 srckey=0x0 dstkey=0x0 mark=0 zone=0 use=2",
            EntryFormatter.ProcLine(h.Entry(TupleOf(packet)), h.Now, h.Settings));
    }

    // The last §8.1 line: IPv6 loopback, nf_conntrack_acct=1 and nf_conntrack_timestamp=1.
    // SYN 80 + ACK 72 + 5-byte data 77 = 229 bytes original; SYN/ACK 80 + ACK 72 = 152 reply.
    [Fact]
    public void Proc_ipv6_tcp_with_accounting_and_timestamp()
    {
        var h = new Harness(s => { s.Accounting = true; s.Timestamp = true; });
        var c = new TcpConn("::1", 40344, "::1", 8081);
        h.Send(c.C(TcpFlags.Syn, 1000, 0, options: SynOptions));
        h.SendAfter(0.0001, c.S(TcpFlags.Syn | TcpFlags.Ack, 5000, 1001, options: SynOptions));
        h.SendAfter(0.0001, c.C(TcpFlags.Ack, 1001, 5001, options: TsOptions));
        h.SendAfter(0.0001, c.C(TcpFlags.Ack | TcpFlags.Psh, 1001, 5001, payload: 5, options: TsOptions));
        h.SendAfter(0.4997, c.S(TcpFlags.Ack, 5001, 1006, options: TsOptions));
        h.Now += Harness.Sec(1.4); // 1.9 s since creation, 1.4 s since the last refresh
        Assert.Equal(
            "ipv6     10 tcp      6 431998 ESTABLISHED src=0000:0000:0000:0000:0000:0000:0000:0001 dst=0000:0000:0000:0000:0000:0000:0000:0001 sport=40344 dport=8081 packets=3 bytes=229 src=0000:0000:0000:0000:0000:0000:0000:0001 dst=0000:0000:0000:0000:0000:0000:0000:0001 sport=8081 dport=40344 packets=2 bytes=152 [ASSURED] mark=0 zone=0 delta-time=1 use=2",
            EntryFormatter.ProcLine(h.Entry(c.Tuple), h.Now, h.Settings));
    }

    // The last §8.2 line: conntrack -L -o extended with accounting and timestamps, IPv6 compressed.
    [Fact]
    public void Conntrack_extended_ipv6_udp_with_accounting_and_timestamp()
    {
        var h = new Harness(s => { s.Accounting = true; s.Timestamp = true; });
        var q = Udp("::1", 50233, "::1", 9998, payload: 1);
        h.Send(q);
        h.Now += Harness.Sec(1.5);
        Assert.Equal(
            "ipv6     10 udp      17 28 src=::1 dst=::1 sport=50233 dport=9998 packets=1 bytes=49 [UNREPLIED] src=::1 dst=::1 sport=9998 dport=50233 packets=0 bytes=0 mark=0 delta-time=1 use=1",
            EntryFormatter.ConntrackLine(h.Entry(TupleOf(q)), h.Now, h.Settings, extended: true));
    }

    [Fact]
    public void Conntrack_extended_adds_the_l3_prefix()
    {
        var (h, e) = UnrepliedUdpLoopback();
        Assert.StartsWith("ipv4     2 udp      17 28 ", EntryFormatter.ConntrackLine(e, h.Now, h.Settings, extended: true), StringComparison.Ordinal);
    }

    // §3.4: remaining time is floor(remaining / HZ); never negative.
    [Theory]
    [InlineData(0.0, 30)]
    [InlineData(0.001, 29)]
    [InlineData(29.5, 0)]
    [InlineData(31.0, 0)]
    public void Remaining_seconds_are_floored(double elapsed, long expected)
    {
        var h = new Harness();
        var q = Udp("10.0.0.1", 1, "10.0.0.2", 2);
        h.Send(q);
        Assert.True(h.Table.TryGet(TupleOf(q), h.Now, out var e));
        Assert.Equal(expected, e.RemainingSeconds(h.Now + Harness.Sec(elapsed)));
    }
}
