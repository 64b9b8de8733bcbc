using Conntrack.TestData;
using Conntrack.Core.Tests.Support;
using Conntrack.Flows;
using Conntrack.Formats;
using Conntrack.Packets;
using Conntrack.Table;
using static Conntrack.TestData.Pkt;

namespace Conntrack.Core.Tests;

/// <summary>
/// The same entries as the reference's observed lines (§8.1 /proc/net/nf_conntrack, §8.2 conntrack -L),
/// built from packets, must print character for character the same.
/// The loopback lines were observed for locally generated traffic; the engine models a router, which
/// drops loopback addresses from a wire as martians. Those entries are therefore built from the same
/// packets between two routable hosts (checked against the reference line with the addresses swapped
/// in), then moved onto the loopback tuple and compared verbatim.
/// </summary>
public sealed class EntryFormatterTests
{
    private const string Lo4 = "127.0.0.1";
    private const string Lo6Full = "0000:0000:0000:0000:0000:0000:0000:0001";

    // TCP options of a Linux SYN / SYN-ACK (MSS, SACK-permitted, timestamps, NOP, window scale): 20 bytes.
    private static readonly byte[] SynOptions = Hex("020405b4 0402 080a 00000001 00000000 01 030307");

    // NOP NOP timestamps: 12 bytes, as on every later Linux segment.
    private static readonly byte[] TsOptions = Hex("0101 080a 00000002 00000001");

    private const string ProcTimeWait = "ipv4     2 tcp      6 118 TIME_WAIT src=127.0.0.1 dst=127.0.0.1 sport=39138 dport=8080 src=127.0.0.1 dst=127.0.0.1 sport=8080 dport=39138 [ASSURED] mark=0 zone=0 use=2";
    private const string ListTimeWait = "tcp      6 118 TIME_WAIT src=127.0.0.1 dst=127.0.0.1 sport=39138 dport=8080 src=127.0.0.1 dst=127.0.0.1 sport=8080 dport=39138 [ASSURED] mark=0 use=1";
    private const string ProcUdp = "ipv4     2 udp      17 28 src=127.0.0.1 dst=127.0.0.1 sport=47330 dport=9999 [UNREPLIED] src=127.0.0.1 dst=127.0.0.1 sport=9999 dport=47330 mark=0 zone=0 use=2";
    private const string ListUdp = "udp      17 28 src=127.0.0.1 dst=127.0.0.1 sport=47330 dport=9999 [UNREPLIED] src=127.0.0.1 dst=127.0.0.1 sport=9999 dport=47330 mark=0 use=1";
    private const string ProcTcp6 = "ipv6     10 tcp      6 431998 ESTABLISHED src=0000:0000:0000:0000:0000:0000:0000:0001 dst=0000:0000:0000:0000:0000:0000:0000:0001 sport=40344 dport=8081 packets=3 bytes=229 src=0000:0000:0000:0000:0000:0000:0000:0001 dst=0000:0000:0000:0000:0000:0000:0000:0001 sport=8081 dport=40344 packets=2 bytes=152 [ASSURED] mark=0 zone=0 delta-time=1 use=2";
    private const string ListUdp6 = "ipv6     10 udp      17 28 src=::1 dst=::1 sport=50233 dport=9998 packets=1 bytes=49 [UNREPLIED] src=::1 dst=::1 sport=9998 dport=50233 packets=0 bytes=0 mark=0 delta-time=1 use=1";

    /// <summary>Replaces the loopback address pair of the original tuple by (a, b) and of the reply tuple by (b, a).</summary>
    private static string WithHosts(string line, string loopback, string a, string b)
    {
        string pair = $"src={loopback} dst={loopback}";
        int first = line.IndexOf(pair, StringComparison.Ordinal);
        line = line[..first] + $"src={a} dst={b}" + line[(first + pair.Length)..];
        int second = line.IndexOf(pair, StringComparison.Ordinal);
        return line[..second] + $"src={b} dst={a}" + line[(second + pair.Length)..];
    }

    /// <summary>The same entry on another original tuple.</summary>
    private static EntryView Rekey(in EntryView e, FlowTuple original)
    {
        var entry = new Entry
        {
            Original = original,
            Status = e.Status,
            Id = e.Id,
        };
        Assert.True(original.Protocol is IpProtocol.Tcp or IpProtocol.Udp);
        if (original.Protocol == IpProtocol.Tcp)
            entry.Proto.Tcp.State = e.TcpState;
        return new EntryView(entry, e.Slot, e.ExpiresAt, e.CreatedAt, e.Counters, e.HasCounters);
    }

    private static (Harness H, EntryView Entry) TimeWait()
    {
        var h = new Harness();
        var c = new TcpConn("10.99.1.2", 39138, "10.99.2.2", 8080);
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

    private static (Harness H, EntryView Entry) UnrepliedUdp()
    {
        var h = new Harness();
        var q = Udp("10.99.1.2", 47330, "10.99.2.2", 9999, payload: 1);
        h.Send(q);
        h.Now += Harness.Sec(1.5);
        return (h, h.Entry(TupleOf(q)));
    }

    [Fact]
    public void Proc_tcp_time_wait()
    {
        var (h, e) = TimeWait();
        Assert.Equal(WithHosts(ProcTimeWait, Lo4, "10.99.1.2", "10.99.2.2"), EntryFormatter.ProcLine(e, h.Now, h.Settings));
        var lo = Rekey(e, FlowTuple.V4(0x7F000001, 0x7F000001, IpProtocol.Tcp, 39138, 8080));
        Assert.Equal(ProcTimeWait, EntryFormatter.ProcLine(lo, h.Now, h.Settings));
    }

    [Fact]
    public void Conntrack_tcp_time_wait()
    {
        var (h, e) = TimeWait();
        Assert.Equal(WithHosts(ListTimeWait, Lo4, "10.99.1.2", "10.99.2.2"), EntryFormatter.ConntrackLine(e, h.Now, h.Settings));
        var lo = Rekey(e, FlowTuple.V4(0x7F000001, 0x7F000001, IpProtocol.Tcp, 39138, 8080));
        Assert.Equal(ListTimeWait, EntryFormatter.ConntrackLine(lo, h.Now, h.Settings));
    }

    [Fact]
    public void Proc_udp_unreplied()
    {
        var (h, e) = UnrepliedUdp();
        Assert.Equal(WithHosts(ProcUdp, Lo4, "10.99.1.2", "10.99.2.2"), EntryFormatter.ProcLine(e, h.Now, h.Settings));
        var lo = Rekey(e, FlowTuple.V4(0x7F000001, 0x7F000001, IpProtocol.Udp, 47330, 9999));
        Assert.Equal(ProcUdp, EntryFormatter.ProcLine(lo, h.Now, h.Settings));
    }

    [Fact]
    public void Conntrack_udp_unreplied()
    {
        var (h, e) = UnrepliedUdp();
        Assert.Equal(WithHosts(ListUdp, Lo4, "10.99.1.2", "10.99.2.2"), EntryFormatter.ConntrackLine(e, h.Now, h.Settings));
        var lo = Rekey(e, FlowTuple.V4(0x7F000001, 0x7F000001, IpProtocol.Udp, 47330, 9999));
        Assert.Equal(ListUdp, EntryFormatter.ConntrackLine(lo, h.Now, h.Settings));
    }

    [Fact]
    public void Conntrack_extended_adds_the_l3_prefix()
    {
        var (h, e) = UnrepliedUdp();
        Assert.Equal("ipv4     2 " + WithHosts(ListUdp, Lo4, "10.99.1.2", "10.99.2.2"),
            EntryFormatter.ConntrackLine(e, h.Now, h.Settings, extended: true));
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

    // The last §8.1 line: IPv6 TCP with nf_conntrack_acct=1 and nf_conntrack_timestamp=1.
    // SYN 80 + ACK 72 + 5-byte data 77 = 229 bytes original; SYN/ACK 80 + ACK 72 = 152 reply.
    [Fact]
    public void Proc_ipv6_tcp_with_accounting_and_timestamp()
    {
        var h = new Harness(s => { s.Accounting = true; s.Timestamp = true; });
        var c = new TcpConn("2001:db8::1", 40344, "2001:db8::2", 8081);
        h.Send(c.C(TcpFlags.Syn, 1000, 0, options: SynOptions));
        h.SendAfter(0.0001, c.S(TcpFlags.Syn | TcpFlags.Ack, 5000, 1001, options: SynOptions));
        h.SendAfter(0.0001, c.C(TcpFlags.Ack, 1001, 5001, options: TsOptions));
        h.SendAfter(0.0001, c.C(TcpFlags.Ack | TcpFlags.Psh, 1001, 5001, payload: 5, options: TsOptions));
        h.SendAfter(0.4997, c.S(TcpFlags.Ack, 5001, 1006, options: TsOptions));
        h.Now += Harness.Sec(1.4); // 1.9 s since creation, 1.4 s since the last refresh
        var e = h.Entry(c.Tuple);
        Assert.Equal(
            WithHosts(ProcTcp6, Lo6Full, "2001:0db8:0000:0000:0000:0000:0000:0001", "2001:0db8:0000:0000:0000:0000:0000:0002"),
            EntryFormatter.ProcLine(e, h.Now, h.Settings));
        var lo = Rekey(e, FlowTupleTests.V6("::1", "::1", IpProtocol.Tcp, 40344, 8081));
        Assert.Equal(ProcTcp6, EntryFormatter.ProcLine(lo, h.Now, h.Settings));
    }

    // The last §8.2 line: conntrack -L -o extended with accounting and timestamps, IPv6 compressed.
    [Fact]
    public void Conntrack_extended_ipv6_udp_with_accounting_and_timestamp()
    {
        var h = new Harness(s => { s.Accounting = true; s.Timestamp = true; });
        var q = Udp("2001:db8::1", 50233, "2001:db8::2", 9998, payload: 1);
        h.Send(q);
        h.Now += Harness.Sec(1.5);
        var e = h.Entry(TupleOf(q));
        Assert.Equal(WithHosts(ListUdp6, "::1", "2001:db8::1", "2001:db8::2"),
            EntryFormatter.ConntrackLine(e, h.Now, h.Settings, extended: true));
        var lo = Rekey(e, FlowTupleTests.V6("::1", "::1", IpProtocol.Udp, 50233, 9998));
        Assert.Equal(ListUdp6, EntryFormatter.ConntrackLine(lo, h.Now, h.Settings, extended: true));
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
