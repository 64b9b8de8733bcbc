using Conntrack.Core.Tests.Support;
using Conntrack.Flows;
using Conntrack.Formats;
using Conntrack.Table;
using static Conntrack.TestData.Pkt;

namespace Conntrack.Core.Tests;

/// <summary>UDP, ICMP, ICMPv6 and generic protocols (reference §5).</summary>
public sealed class OtherProtocolTests
{
    private readonly Harness _h = new();

    private static byte[] Query() => Udp("10.0.0.1", 5000, "10.0.0.2", 53, payload: 20);
    private static byte[] Answer() => Udp("10.0.0.2", 53, "10.0.0.1", 5000, payload: 60);
    private static FlowTuple DnsTuple => TupleOf(Query());

    // §5.1: 30 s while unreplied and within 2 s of the first packet (the first reply included);
    // a packet more than 2 s after the first, once a reply was seen → 120 s and ASSURED.
    [Fact]
    public void Udp_stream_rule()
    {
        Assert.Equal(CtInfo.New, _h.Send(Query()).State);
        Assert.Equal(30, _h.TimeoutOf(DnsTuple));
        Assert.True(_h.Entry(DnsTuple).IsUnreplied);

        Assert.Equal(CtInfo.EstablishedReply, _h.SendAfter(0.1, Answer()).State);
        var e = _h.Entry(DnsTuple);
        Assert.False(e.IsUnreplied);
        Assert.False(e.IsAssured);
        Assert.Equal(30, _h.TimeoutOf(DnsTuple));

        Assert.Equal(CtInfo.Established, _h.SendAfter(0.1, Query()).State);
        Assert.False(_h.Entry(DnsTuple).IsAssured);
        Assert.Equal(30, _h.TimeoutOf(DnsTuple));

        _h.SendAfter(2.1, Answer()); // 2.3 s after the first packet
        e = _h.Entry(DnsTuple);
        Assert.True(e.IsAssured);
        Assert.Equal(120, _h.TimeoutOf(DnsTuple));
    }

    // §10.5: a DNS-style query/answer pair never becomes ASSURED.
    [Fact]
    public void Udp_query_and_answer_stay_unassured()
    {
        _h.Send(Query());
        _h.SendAfter(0.02, Answer());
        var e = _h.Entry(DnsTuple);
        Assert.False(e.IsAssured);
        Assert.Equal(30, _h.TimeoutOf(DnsTuple));
    }

    // §5.1: stream_ts = first packet + 2 s and time_after() is strict.
    [Theory]
    [InlineData(2.0, false, 30)]
    [InlineData(2.001, true, 120)]
    public void Udp_two_second_boundary(double at, bool assured, int timeout)
    {
        _h.Send(Query());
        _h.SendAfter(0.5, Answer());
        _h.SendAfter(at - 0.5, Query());
        Assert.Equal(assured, _h.Entry(DnsTuple).IsAssured);
        Assert.Equal(timeout, _h.TimeoutOf(DnsTuple));
    }

    [Fact]
    public void Configured_timeouts_are_used()
    {
        var h = new Harness(s =>
        {
            s.Set("nf_conntrack_udp_timeout", 11);
            s.Set("nf_conntrack_udp_timeout_stream", 222);
            s.Set("nf_conntrack_icmp_timeout", 7);
            s.Set("nf_conntrack_generic_timeout", 99);
        });
        h.Send(Query());
        Assert.Equal(11, h.TimeoutOf(DnsTuple));
        h.SendAfter(0.1, Answer());
        h.SendAfter(3, Query());
        Assert.Equal(222, h.TimeoutOf(DnsTuple));
        var ping = Icmp("10.0.0.1", "10.0.0.2", 8, 0, 1, 1);
        h.Send(ping);
        Assert.Equal(7, h.TimeoutOf(TupleOf(ping)));
        var esp = Generic("10.0.0.1", "10.0.0.2", 50, Hex("0000000100000001"));
        h.Send(esp);
        Assert.Equal(99, h.TimeoutOf(TupleOf(esp)));
    }

    // §5.1 udp_error: a bad checksum is invalid when nf_conntrack_checksum=1.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Udp_bad_checksum(bool checksum)
    {
        var h = new Harness(s => s.Checksum = checksum);
        var q = Query();
        q[^1] ^= 0x5A;
        Assert.Equal(checksum ? CtInfo.Invalid : CtInfo.New, h.Send(q).State);
        Assert.Equal(checksum ? 1 : 0, h.Stats.Invalid);
    }

    // §5.2: icmp_error checks the checksum of every ICMP packet; failures count `error`, not `invalid`.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Icmp_bad_checksum_counts_error(bool checksum)
    {
        var h = new Harness(s => s.Checksum = checksum);
        var ping = Icmp("10.0.0.1", "10.0.0.2", 8, 0, 1, 1, Hex("0102"));
        ping[^1] ^= 0x5A;
        var v = h.Send(ping);
        Assert.Equal(checksum ? CtInfo.Invalid : CtInfo.New, v.State);
        Assert.Equal(checksum ? 1 : 0, h.Stats.Error);
        Assert.Equal(0, h.Stats.Invalid);
    }

    // §5.1: one-way flows never get a reply flag nor ASSURED, however long they last.
    [Fact]
    public void Udp_one_way_stays_unreplied()
    {
        _h.Send(Query());
        for (int i = 0; i < 5; i++)
            Assert.Equal(CtInfo.New, _h.SendAfter(5, Query()).State);
        var e = _h.Entry(DnsTuple);
        Assert.True(e.IsUnreplied);
        Assert.False(e.IsAssured);
        Assert.Equal(30, _h.TimeoutOf(DnsTuple));
    }

    // §5.1 udp_error: a length field beyond the datagram is invalid.
    [Fact]
    public void Udp_bad_length_is_invalid()
    {
        var h = new Harness(s => s.Checksum = false);
        var q = Query();
        q[24] = 0x01; // UDP length 0x01xx > datagram
        Assert.Equal(CtInfo.Invalid, h.Send(q).State);
        Assert.Equal(1, h.Stats.Invalid);
        Assert.Equal(0, h.Table.Count);
    }

    // §1.2 / §0: nf_defrag reassembles at priority -400, so conntrack sees the whole datagram once:
    // fragments are held (no statistics), the last one completes the datagram, which is tracked and
    // accounted with its reassembled length.
    [Fact]
    public void Udp_fragments_are_reassembled_before_tracking()
    {
        var h = new Harness(s => s.Accounting = true);
        var datagram = Udp("10.0.0.1", 5000, "10.0.0.2", 53, payload: 2000);
        var buffer = new byte[4096];
        var fragments = new Range[4];
        int count = Capture.PacketBuilder.Fragment4(datagram, 1480, buffer, fragments);
        Assert.Equal(2, count);
        // Last fragment first: held, nothing tracked.
        Assert.Equal(PacketFate.Held, h.Send(buffer[fragments[1]]).Fate);
        Assert.Equal(0, h.Table.Count);
        var v = h.SendAfter(0.001, buffer[fragments[0]]);
        Assert.Equal(PacketFate.Accepted, v.Fate);
        Assert.Equal(CtInfo.New, v.State);
        Assert.Equal(default, h.Stats);
        var e = h.Entry(DnsTuple);
        Assert.Equal(new EntryCounters(1, datagram.Length, 0, 0), e.Counters);
    }

    // §5.2: echo request creates, reply refreshes (30 s each), never ASSURED.
    [Fact]
    public void Icmp_echo_request_and_reply()
    {
        var request = Icmp("10.99.1.2", "10.99.2.2", 8, 0, 4660, 1);
        var reply = Icmp("10.99.2.2", "10.99.1.2", 0, 0, 4660, 1);
        var tuple = TupleOf(request);
        Assert.Equal(CtInfo.New, _h.Send(request).State);
        Assert.Equal(30, _h.TimeoutOf(tuple));
        Assert.Equal(CtInfo.EstablishedReply, _h.SendAfter(0.01, reply).State);
        var e = _h.Entry(tuple);
        Assert.False(e.IsUnreplied);
        Assert.False(e.IsAssured);
        Assert.Equal(30, _h.TimeoutOf(tuple));
        // Duplicates keep working: the entry is not removed after the reply.
        Assert.Equal(CtInfo.Established, _h.SendAfter(10, Icmp("10.99.1.2", "10.99.2.2", 8, 0, 4660, 2)).State);
        Assert.Equal(CtInfo.EstablishedReply, _h.SendAfter(10, Icmp("10.99.2.2", "10.99.1.2", 0, 0, 4660, 2)).State);
        Assert.False(_h.Entry(tuple).IsAssured);
        Assert.Equal(30, _h.TimeoutOf(tuple));
        // A different id is a different flow.
        Assert.Equal(CtInfo.New, _h.Send(Icmp("10.99.1.2", "10.99.2.2", 8, 0, 4661, 1)).State);
        Assert.Equal(2, _h.Table.Count);
    }

    // §5.2: reply types create nothing (allocated, then refused → invalid).
    [Theory]
    [InlineData(0)]
    [InlineData(14)]
    [InlineData(16)]
    [InlineData(18)]
    public void Lone_icmp_reply_is_invalid(byte type)
    {
        Assert.Equal(CtInfo.Invalid, _h.Send(Icmp("10.0.0.2", "10.0.0.1", type, 0, 1, 1)).State);
        Assert.Equal(1, _h.Stats.Invalid);
        Assert.Equal(0, _h.Stats.Error);
        Assert.Equal(0, _h.Table.Count);
    }

    [Theory]
    [InlineData(13)]
    [InlineData(15)]
    [InlineData(17)]
    public void Other_icmp_requests_create_entries(byte type)
    {
        Assert.Equal(CtInfo.New, _h.Send(Icmp("10.0.0.1", "10.0.0.2", type, 0, 1, 1)).State);
        Assert.Equal(1, _h.Table.Count);
    }

    // §5.2: non-invertible, non-error types (9, 10) → invalid without allocation.
    [Theory]
    [InlineData(9)]
    [InlineData(10)]
    public void Non_invertible_icmp_type_is_invalid(byte type)
    {
        Assert.Equal(CtInfo.Invalid, _h.Send(Icmp("10.0.0.1", "10.0.0.2", type, 0)).State);
        Assert.Equal(1, _h.Stats.Invalid);
        Assert.Equal(0, _h.Table.Count);
    }

    // §5.2: ICMP type > 18 is an error-path failure (`error`), not `invalid`.
    [Fact]
    public void Icmp_type_above_18_counts_error()
    {
        Assert.Equal(CtInfo.Invalid, _h.Send(Icmp("10.0.0.1", "10.0.0.2", 40, 0)).State);
        Assert.Equal(1, _h.Stats.Error);
        Assert.Equal(0, _h.Stats.Invalid);
    }

    // §5.2 / §10.13: port-unreachable quoting a tracked flow is RELATED(_REPLY); it does not refresh,
    // account, set SEEN_REPLY or change any counter.
    [Fact]
    public void Icmp_error_for_a_tracked_udp_flow_is_related()
    {
        var h = new Harness(s => s.Accounting = true);
        var query = Query();
        h.Send(query);
        var before = h.Entry(DnsTuple);
        var statsBefore = h.Stats;
        var v = h.SendAfter(1, IcmpError("10.0.0.2", "10.0.0.1", 3, 3, query));
        Assert.Equal(CtInfo.RelatedReply, v.State);
        Assert.False(v.Dropped);
        var after = h.Entry(DnsTuple);
        Assert.Equal(before.ExpiresAt, after.ExpiresAt);
        Assert.True(after.IsUnreplied);
        Assert.Equal(before.Counters, after.Counters);
        Assert.Equal(statsBefore, h.Stats);
        Assert.Equal(1, h.Table.Count);
    }

    // An error travelling in the original direction (about a reply packet) is RELATED.
    [Fact]
    public void Icmp_error_about_a_reply_packet_is_related_original()
    {
        var answer = Answer();
        _h.Send(Query());
        _h.SendAfter(0.01, answer);
        var v = _h.SendAfter(0.01, IcmpError("10.0.0.1", "10.0.0.2", 3, 3, answer));
        Assert.Equal(CtInfo.Related, v.State);
    }

    // A router on the path answering with time-exceeded: same entry, outer source is the router.
    [Fact]
    public void Icmp_time_exceeded_from_a_router_is_related()
    {
        var query = Query();
        _h.Send(query);
        Assert.Equal(CtInfo.RelatedReply, _h.SendAfter(0.01, IcmpError("192.168.0.254", "10.0.0.1", 11, 0, query)).State);
    }

    [Fact]
    public void Icmp_error_for_an_unknown_flow_counts_error()
    {
        var v = _h.Send(IcmpError("10.0.0.2", "10.0.0.1", 3, 3, Query()));
        Assert.Equal(CtInfo.Invalid, v.State);
        Assert.Equal(1, _h.Stats.Error);
        Assert.Equal(0, _h.Stats.Invalid);
        Assert.Equal(0, _h.Table.Count);
    }

    // §10.13: the outer destination must be the matched direction's destination.
    [Fact]
    public void Icmp_error_to_the_wrong_host_counts_error()
    {
        var query = Query();
        _h.Send(query);
        var v = _h.SendAfter(0.1, IcmpError("10.0.0.2", "10.0.0.9", 3, 3, query));
        Assert.Equal(CtInfo.Invalid, v.State);
        Assert.Equal(1, _h.Stats.Error);
    }

    [Fact]
    public void Icmpv6_error_for_a_tracked_flow_is_related()
    {
        var query = Udp("2001:db8::1", 5000, "2001:db8::2", 53, payload: 10);
        _h.Send(query);
        var v = _h.SendAfter(0.1, IcmpError("2001:db8::2", "2001:db8::1", 1, 4, query));
        Assert.Equal(CtInfo.RelatedReply, v.State);
        Assert.Equal(0, _h.Stats.Error);
        Assert.Equal(0, _h.Stats.Invalid);
    }

    // §5.3: ND and MLD types are UNTRACKED: no entry, no statistics.
    [Theory]
    [InlineData(130)]
    [InlineData(133)]
    [InlineData(134)]
    [InlineData(135)]
    [InlineData(136)]
    [InlineData(143)]
    [InlineData(151)]
    [InlineData(152)]
    public void Icmpv6_neighbour_discovery_is_untracked(byte type)
    {
        var v = _h.Send(Icmp("fe80::1", "ff02::1:ff00:2", type, 0));
        Assert.Equal(CtInfo.Untracked, v.State);
        Assert.Equal(0, _h.Table.Count);
        Assert.Equal(default, _h.Stats);
    }

    [Fact]
    public void Icmpv6_echo_uses_icmpv6_timeout()
    {
        var h = new Harness(s => s.Set("nf_conntrack_icmpv6_timeout", 17));
        var request = Icmp("2001:db8::1", "2001:db8::2", 128, 0, 99, 1);
        Assert.Equal(CtInfo.New, h.Send(request).State);
        Assert.Equal(17, h.TimeoutOf(TupleOf(request)));
        Assert.Equal(CtInfo.EstablishedReply, h.SendAfter(0.1, Icmp("2001:db8::2", "2001:db8::1", 129, 0, 99, 1)).State);
        Assert.False(h.Entry(TupleOf(request)).IsAssured);
        Assert.Equal(CtInfo.Invalid, h.Send(Icmp("2001:db8::2", "2001:db8::1", 129, 0, 100, 1)).State);
    }

    // §5.4 / §10.15: generic protocols share one entry per address pair, 600 s, never ASSURED.
    [Fact]
    public void Generic_protocol_one_entry_600s()
    {
        var esp1 = Generic("10.0.0.1", "10.0.0.2", 50, Hex("00001111 00000001 0000000000000000"));
        var esp2 = Generic("10.0.0.1", "10.0.0.2", 50, Hex("00002222 00000001 0000000000000000")); // other SPI
        var back = Generic("10.0.0.2", "10.0.0.1", 50, Hex("00003333 00000001 0000000000000000"));
        var tuple = TupleOf(esp1);
        Assert.Equal(CtInfo.New, _h.Send(esp1).State);
        Assert.Equal(600, _h.TimeoutOf(tuple));
        Assert.Equal(CtInfo.New, _h.SendAfter(1, esp2).State);
        Assert.Equal(CtInfo.EstablishedReply, _h.SendAfter(1, back).State);
        Assert.Equal(CtInfo.Established, _h.SendAfter(100, esp1).State);
        Assert.Equal(1, _h.Table.Count);
        var e = _h.Entry(tuple);
        Assert.False(e.IsAssured);
        Assert.Null(e.StateName);
        Assert.Equal(600, _h.TimeoutOf(tuple));
        _h.Now += Harness.Sec(0.5);
        Assert.Equal(
            "ipv4     2 unknown  50 599 src=10.0.0.1 dst=10.0.0.2 src=10.0.0.2 dst=10.0.0.1 mark=0 zone=0 use=2",
            EntryFormatter.ProcLine(_h.Entry(tuple), _h.Now, _h.Settings));
    }

    // §5.5/§3.3: GREv0 — 30 s until SEEN_REPLY (the first reply itself is judged before the bit is set,
    // §10.4), then 180 s and ASSURED on any packet, no 2-s rule.
    [Fact]
    public void Gre_stream()
    {
        var gre = Generic("10.99.1.2", "10.99.2.2", 47, Hex("0000 0800 45000000"));
        var back = Generic("10.99.2.2", "10.99.1.2", 47, Hex("0000 0800 45000000"));
        var tuple = TupleOf(gre);
        _h.Send(gre);
        Assert.Equal(30, _h.TimeoutOf(tuple));
        _h.SendAfter(0.1, back);
        Assert.Equal(30, _h.TimeoutOf(tuple));
        Assert.False(_h.Entry(tuple).IsAssured);
        _h.SendAfter(0.1, gre);
        Assert.Equal(180, _h.TimeoutOf(tuple));
        Assert.True(_h.Entry(tuple).IsAssured);
    }
}
