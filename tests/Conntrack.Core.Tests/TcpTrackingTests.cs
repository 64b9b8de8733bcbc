using Conntrack.TestData;
using Conntrack.Core.Tests.Support;
using Conntrack.Packets;
using Conntrack.Protocols;
using Conntrack.Table;

namespace Conntrack.Core.Tests;

/// <summary>The TCP tracker driven with real packets (reference §4).</summary>
public sealed class TcpTrackingTests
{
    private readonly Harness _h = new();
    private readonly TcpConn _c = new("10.0.0.1", 40000, "10.0.0.2", 80);

    private void Handshake()
    {
        _h.Send(_c.Syn());
        _h.SendAfter(0.01, _c.SynAck());
        _h.SendAfter(0.01, _c.HandshakeAck());
    }

    // §4.3/§4.4/§3.3: SYN → SYN_SENT 120 s unreplied; SYN/ACK → SYN_RECV 60 s;
    // final ACK → ESTABLISHED 432000 s and ASSURED (old SYN_RECV, SEEN_REPLY set).
    [Fact]
    public void Three_way_handshake()
    {
        var v = _h.Send(_c.Syn());
        Assert.Equal(CtInfo.New, v.State);
        Assert.False(v.Dropped);
        var e = _h.Entry(_c.Tuple);
        Assert.Equal(TcpConnState.SynSent, e.TcpState);
        Assert.True(e.IsUnreplied);
        Assert.False(e.IsAssured);
        Assert.Equal(120, _h.TimeoutOf(_c.Tuple));
        Assert.Equal(1, _h.Table.Count);

        v = _h.SendAfter(0.001, _c.SynAck());
        Assert.Equal(CtInfo.EstablishedReply, v.State);
        e = _h.Entry(_c.Tuple);
        Assert.Equal(TcpConnState.SynRecv, e.TcpState);
        Assert.False(e.IsUnreplied);
        Assert.False(e.IsAssured);
        Assert.Equal(60, _h.TimeoutOf(_c.Tuple));

        v = _h.SendAfter(0.001, _c.HandshakeAck());
        Assert.Equal(CtInfo.Established, v.State);
        e = _h.Entry(_c.Tuple);
        Assert.Equal(TcpConnState.Established, e.TcpState);
        Assert.True(e.IsAssured);
        Assert.Equal(432000, _h.TimeoutOf(_c.Tuple));
        Assert.Equal(1, _h.Table.Count);
        Assert.Equal(0, _h.Stats.Invalid);
    }

    // §4.3: FIN → FIN_WAIT (120), ACK → CLOSE_WAIT (60), FIN → LAST_ACK (30), ACK → TIME_WAIT (120).
    [Fact]
    public void Full_fin_close()
    {
        Handshake();
        var steps = new (byte[] Packet, TcpConnState State, int Timeout)[]
        {
            (_c.C(TcpFlags.Fin | TcpFlags.Ack, 1001, 5001), TcpConnState.FinWait, 120),
            (_c.S(TcpFlags.Ack, 5001, 1002), TcpConnState.CloseWait, 60),
            (_c.S(TcpFlags.Fin | TcpFlags.Ack, 5001, 1002), TcpConnState.LastAck, 30),
            (_c.C(TcpFlags.Ack, 1002, 5002), TcpConnState.TimeWait, 120),
        };
        foreach (var (packet, state, timeout) in steps)
        {
            var v = _h.SendAfter(0.1, packet);
            Assert.NotEqual(CtInfo.Invalid, v.State);
            var e = _h.Entry(_c.Tuple);
            Assert.Equal(state, e.TcpState);
            Assert.True(e.IsAssured);
            Assert.Equal(timeout, _h.TimeoutOf(_c.Tuple));
        }
        Assert.Equal(0, _h.Stats.Invalid);
    }

    // §4.5 item 10 / §4.6: RST before any reply was accepted deletes the entry; the RST itself passes.
    [Fact]
    public void Rst_answering_a_syn_deletes_the_entry()
    {
        _h.Send(_c.Syn());
        var v = _h.SendAfter(0.001, _c.S(TcpFlags.Rst | TcpFlags.Ack, 0, 1001));
        Assert.Equal(CtInfo.EstablishedReply, v.State);
        Assert.False(v.Dropped);
        Assert.False(_h.Has(_c.Tuple));
        Assert.Equal(0, _h.Table.Count);
        Assert.Equal(0, _h.Stats.Invalid);
        Assert.Equal([ConntrackEventType.New, ConntrackEventType.Destroy], _h.Sink.Events.Select(x => x.Type));
    }

    // §4.3 ORIGINAL/NONE column: only SYN (and ACK with tcp_loose) may create an entry.
    [Theory]
    [InlineData(TcpFlags.Rst)]
    [InlineData(TcpFlags.Rst | TcpFlags.Ack)]
    [InlineData(TcpFlags.Syn | TcpFlags.Ack)]
    [InlineData(TcpFlags.Fin | TcpFlags.Ack)]
    public void First_packet_that_cannot_open_is_invalid_without_entry(TcpFlags flags)
    {
        var v = _h.Send(_c.C(flags, 1000, 1));
        Assert.Equal(CtInfo.Invalid, v.State);
        Assert.False(v.Dropped);
        Assert.Equal(1, _h.Stats.Invalid);
        Assert.Equal(0, _h.Table.Count);
        Assert.False(_h.Has(_c.Tuple));
        Assert.Empty(_h.Sink.Events); // unconfirmed entries vanish silently (§3.2)
    }

    // §4.2 tcp_error: flag combinations outside the allowed list (after masking ECE/CWR/PSH) are invalid,
    // both as a first packet and on an established connection (which stays untouched).
    [Theory]
    [InlineData(TcpFlags.Fin)]
    [InlineData(TcpFlags.Syn | TcpFlags.Fin)]
    [InlineData(TcpFlags.Syn | TcpFlags.Rst)]
    [InlineData(TcpFlags.Syn | TcpFlags.Ack | TcpFlags.Urg)]
    [InlineData(TcpFlags.Rst | TcpFlags.Ack | TcpFlags.Urg)]
    [InlineData(TcpFlags.None)]
    [InlineData(TcpFlags.Urg)]
    [InlineData(TcpFlags.Fin | TcpFlags.Psh | TcpFlags.Urg)]
    [InlineData(TcpFlags.Syn | TcpFlags.Fin | TcpFlags.Ack)]
    public void Invalid_flag_combinations(TcpFlags flags)
    {
        Assert.Equal(CtInfo.Invalid, _h.Send(_c.C(flags, 1000, 0)).State);
        Assert.Equal(0, _h.Table.Count);
        Assert.Equal(1, _h.Stats.Invalid);

        Handshake();
        var before = _h.Entry(_c.Tuple);
        Assert.Equal(CtInfo.Invalid, _h.SendAfter(1, _c.C(flags, 1001, 5001)).State);
        Assert.Equal(2, _h.Stats.Invalid);
        var after = _h.Entry(_c.Tuple);
        Assert.Equal(TcpConnState.Established, after.TcpState);
        Assert.Equal(before.ExpiresAt, after.ExpiresAt);
    }

    [Theory]
    [InlineData(TcpFlags.Syn | TcpFlags.Ece | TcpFlags.Cwr)]
    [InlineData(TcpFlags.Syn | TcpFlags.Psh)]
    [InlineData(TcpFlags.Syn | TcpFlags.Urg)]
    public void Ece_cwr_psh_are_masked_before_the_flag_check(TcpFlags flags)
    {
        Assert.Equal(CtInfo.New, _h.Send(_c.C(flags, 1000)).State);
        Assert.Equal(TcpConnState.SynSent, _h.Entry(_c.Tuple).TcpState);
    }

    // §4.4 + §10.10: tcp_loose=1 picks up a connection mid-stream as ESTABLISHED, capped at UNACK (300 s)
    // until a reply; ASSURED and 432000 s on the first original-direction packet after that reply.
    [Fact]
    public void Mid_stream_pickup_with_loose()
    {
        var v = _h.Send(_c.C(TcpFlags.Ack, 7000, 9000));
        Assert.Equal(CtInfo.New, v.State);
        var e = _h.Entry(_c.Tuple);
        Assert.Equal(TcpConnState.Established, e.TcpState);
        Assert.False(e.IsAssured);
        Assert.True(e.IsUnreplied);
        Assert.Equal(300, _h.TimeoutOf(_c.Tuple));

        v = _h.SendAfter(0.01, _c.S(TcpFlags.Ack, 9000, 7000));
        Assert.Equal(CtInfo.EstablishedReply, v.State);
        e = _h.Entry(_c.Tuple);
        Assert.False(e.IsAssured);
        Assert.False(e.IsUnreplied);
        Assert.Equal(300, _h.TimeoutOf(_c.Tuple)); // the first reply is still judged "no reply yet" (§10.4)

        v = _h.SendAfter(0.01, _c.C(TcpFlags.Ack, 7000, 9000, window: 1000));
        Assert.Equal(CtInfo.Established, v.State);
        e = _h.Entry(_c.Tuple);
        Assert.True(e.IsAssured);
        Assert.Equal(432000, _h.TimeoutOf(_c.Tuple));

        // §4.5 item 8.3: unacknowledged data → UNACK (300 s) until the peer acknowledges it.
        _h.SendAfter(0.01, _c.C(TcpFlags.Ack | TcpFlags.Psh, 7000, 9000, payload: 10));
        Assert.Equal(300, _h.TimeoutOf(_c.Tuple));
        _h.SendAfter(0.01, _c.S(TcpFlags.Ack, 9000, 7010));
        Assert.Equal(432000, _h.TimeoutOf(_c.Tuple));
    }

    [Fact]
    public void Mid_stream_pickup_without_loose_is_invalid()
    {
        var h = new Harness(s => s.TcpLoose = false);
        var v = h.Send(_c.C(TcpFlags.Ack, 7000, 9000));
        Assert.Equal(CtInfo.Invalid, v.State);
        Assert.Equal(1, h.Stats.Invalid);
        Assert.Equal(0, h.Table.Count);
        // A SYN still opens.
        Assert.Equal(CtInfo.New, h.Send(_c.Syn()).State);
    }

    // §4.5 item 1 / §10.8: a SYN in TIME_WAIT after a FIN close replaces the entry (fresh id, NEW event).
    [Fact]
    public void Syn_in_time_wait_after_fin_close_reopens()
    {
        Handshake();
        _h.SendAfter(1, _c.C(TcpFlags.Fin | TcpFlags.Ack, 1001, 5001));
        _h.SendAfter(0.01, _c.S(TcpFlags.Fin | TcpFlags.Ack, 5001, 1002));
        _h.SendAfter(0.01, _c.C(TcpFlags.Ack, 1002, 5002));
        var old = _h.Entry(_c.Tuple);
        Assert.Equal(TcpConnState.TimeWait, old.TcpState);

        _h.Sink.Events.Clear();
        var v = _h.SendAfter(1, _c.C(TcpFlags.Syn, 90000));
        Assert.Equal(CtInfo.New, v.State);
        var fresh = _h.Entry(_c.Tuple);
        Assert.NotEqual(old.Id, fresh.Id);
        Assert.Equal(TcpConnState.SynSent, fresh.TcpState);
        Assert.True(fresh.IsUnreplied);
        Assert.False(fresh.IsAssured);
        Assert.Equal(120, _h.TimeoutOf(_c.Tuple));
        Assert.Equal(1, _h.Table.Count);
        Assert.Equal(0, _h.Stats.Invalid);
        Assert.Equal([ConntrackEventType.Destroy, ConntrackEventType.New], _h.Sink.Events.Select(x => x.Type));
    }

    // §4.5 item 1: after an RST the same side's SYN reopens; the other side's SYN is only ignored.
    [Fact]
    public void Syn_after_rst_reopens_only_from_the_side_that_reset()
    {
        Handshake();
        _h.SendAfter(1, _c.S(TcpFlags.Rst, 5001));
        var closed = _h.Entry(_c.Tuple);
        Assert.Equal(TcpConnState.Close, closed.TcpState);

        // Client SYN: last packet was the server's RST, no FIN was seen → IGNORE, entry untouched.
        var v = _h.SendAfter(1, _c.C(TcpFlags.Syn, 2000));
        Assert.NotEqual(CtInfo.Invalid, v.State);
        var same = _h.Entry(_c.Tuple);
        Assert.Equal(closed.Id, same.Id);
        Assert.Equal(TcpConnState.Close, same.TcpState);
        Assert.Equal(closed.ExpiresAt, same.ExpiresAt);

        // Client RST, then client SYN: same direction as the RST → a new entry.
        _h.SendAfter(0.1, _c.C(TcpFlags.Rst, 1001));
        _h.SendAfter(0.1, _c.C(TcpFlags.Syn, 3000));
        var fresh = _h.Entry(_c.Tuple);
        Assert.NotEqual(closed.Id, fresh.Id);
        Assert.Equal(TcpConnState.SynSent, fresh.TcpState);
    }

    // §4.5 item 2(b) / §10.8: a SYN ignored in CLOSE (no FIN seen, RST came from the other side), then the
    // server's SYN/ACK acknowledging exactly that SYN re-synchronises the old entry: SYN_RECV, then ESTABLISHED.
    [Fact]
    public void Syn_ack_answering_an_ignored_syn_resynchronises()
    {
        Handshake();
        _h.SendAfter(1, _c.S(TcpFlags.Rst, 5001));
        uint id = _h.Entry(_c.Tuple).Id;
        _h.SendAfter(1, _c.C(TcpFlags.Syn, 2000));
        Assert.Equal(TcpConnState.Close, _h.Entry(_c.Tuple).TcpState);
        var v = _h.SendAfter(0.01, _c.S(TcpFlags.Syn | TcpFlags.Ack, 9000, 2001));
        Assert.Equal(CtInfo.EstablishedReply, v.State);
        Assert.Equal(TcpConnState.SynRecv, _h.Entry(_c.Tuple).TcpState);
        Assert.Equal(60, _h.TimeoutOf(_c.Tuple));
        _h.SendAfter(0.01, _c.C(TcpFlags.Ack, 2001, 9001));
        var e = _h.Entry(_c.Tuple);
        Assert.Equal(id, e.Id);
        Assert.Equal(TcpConnState.Established, e.TcpState);
        Assert.Equal(432000, _h.TimeoutOf(_c.Tuple));
        Assert.Equal(0, _h.Stats.Invalid);
    }

    // §4.3 REPLY/TIME_WAIT SYN → SYN_SENT + §4.5 item 1: after a FIN close the *server* may reopen too;
    // the new entry's original direction is then server → client.
    [Fact]
    public void Reply_syn_in_time_wait_reopens_in_its_own_direction()
    {
        Handshake();
        _h.SendAfter(1, _c.C(TcpFlags.Fin | TcpFlags.Ack, 1001, 5001));
        _h.SendAfter(0.01, _c.S(TcpFlags.Fin | TcpFlags.Ack, 5001, 1002));
        _h.SendAfter(0.01, _c.C(TcpFlags.Ack, 1002, 5002));
        var serverSyn = _c.S(TcpFlags.Syn, 70000);
        Assert.Equal(CtInfo.New, _h.SendAfter(1, serverSyn).State);
        var e = _h.Entry(Pkt.TupleOf(serverSyn));
        Assert.Equal(Pkt.TupleOf(serverSyn), e.Original);
        Assert.Equal(TcpConnState.SynSent, e.TcpState);
        Assert.Equal(1, _h.Table.Count);
    }

    // §4.5 item 10 / §10.7: a retransmitted SYN before any reply keeps ctinfo NEW but neither refreshes
    // the timeout nor is accounted.
    [Fact]
    public void Retransmitted_syn_does_not_refresh()
    {
        var h = new Harness(s => s.Accounting = true);
        h.Send(_c.Syn());
        long expires = h.Entry(_c.Tuple).ExpiresAt;
        var v = h.SendAfter(1, _c.Syn());
        Assert.Equal(CtInfo.New, v.State);
        v = h.SendAfter(3, _c.Syn());
        Assert.Equal(CtInfo.New, v.State);
        var e = h.Entry(_c.Tuple);
        Assert.Equal(expires, e.ExpiresAt);
        Assert.Equal(1, e.Counters.OriginalPackets);
        Assert.Equal(0, h.Stats.Invalid);
    }

    // §4.5 retransmission counter: 3 repeats of an identical ACK → max_retrans timeout (300 s);
    // the next different ACK restores 432000 s.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Three_identical_ack_retransmissions_cut_to_300(bool fromServer)
    {
        Handshake();
        // (window 2000 makes the first one differ from the handshake ACK)
        byte[] ack = fromServer ? _c.S(TcpFlags.Ack, 5001, 1001, window: 2000) : _c.C(TcpFlags.Ack, 1001, 5001, window: 2000);
        _h.SendAfter(0.1, ack);
        _h.SendAfter(0.1, ack);
        _h.SendAfter(0.1, ack);
        Assert.Equal(432000, _h.TimeoutOf(_c.Tuple)); // 2 repeats so far
        _h.SendAfter(0.1, ack);
        Assert.Equal(300, _h.TimeoutOf(_c.Tuple));
        _h.SendAfter(0.1, fromServer ? _c.S(TcpFlags.Ack, 5001, 1001, window: 1000) : _c.C(TcpFlags.Ack, 1001, 5001, window: 1000));
        Assert.Equal(432000, _h.TimeoutOf(_c.Tuple));
    }

    // §4.5 item 8.4: an ACK with window 0 gives the max_retrans timeout.
    [Fact]
    public void Zero_window_ack_gives_300()
    {
        Handshake();
        _h.SendAfter(0.1, _c.S(TcpFlags.Ack, 5001, 1001, window: 0));
        Assert.Equal(300, _h.TimeoutOf(_c.Tuple));
        Assert.Equal(TcpConnState.Established, _h.Entry(_c.Tuple).TcpState);
    }

    // §4.6 / §4.5 item 8.2 (6.18): an exact RST on an established connection → CLOSE with 10 s; the entry
    // stays (a reply was seen) until it expires.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Rst_on_established_goes_to_close_with_10s(bool fromServer)
    {
        Handshake();
        var v = _h.SendAfter(1, fromServer ? _c.S(TcpFlags.Rst, 5001) : _c.C(TcpFlags.Rst | TcpFlags.Ack, 1001, 5001));
        Assert.NotEqual(CtInfo.Invalid, v.State);
        var e = _h.Entry(_c.Tuple);
        Assert.Equal(TcpConnState.Close, e.TcpState);
        Assert.True(e.IsAssured);
        Assert.Equal(10, _h.TimeoutOf(_c.Tuple));
        Assert.Equal(1, _h.Table.Count);
    }

    // §4.5 item 6 / §4.6 / §10.9: RST sequence validation on an ASSURED ESTABLISHED connection, after the
    // client sent 100 bytes and the server acknowledged them (server's max ACK = 1101).
    [Theory]
    [InlineData(1050u, false, TcpConnState.Established)] // below the peer's max ACK → invalid, entry untouched
    [InlineData(1101u, true, TcpConnState.Close)]        // exact → CLOSE
    [InlineData(1601u, true, TcpConnState.Established)]  // in window, inexact → state kept, timeout still 10 s (6.18)
    public void Rst_sequence_validation(uint seq, bool accepted, TcpConnState state)
    {
        Handshake();
        _h.SendAfter(0.1, _c.C(TcpFlags.Ack | TcpFlags.Psh, 1001, 5001, payload: 100));
        _h.SendAfter(0.1, _c.S(TcpFlags.Ack, 5001, 1101));
        var before = _h.Entry(_c.Tuple);
        var v = _h.SendAfter(1, _c.C(TcpFlags.Rst, seq));
        var after = _h.Entry(_c.Tuple);
        Assert.Equal(state, after.TcpState);
        if (accepted)
        {
            Assert.NotEqual(CtInfo.Invalid, v.State);
            Assert.Equal(0, _h.Stats.Invalid);
            Assert.Equal(10, _h.TimeoutOf(_c.Tuple));
        }
        else
        {
            Assert.Equal(CtInfo.Invalid, v.State);
            Assert.Equal(1, _h.Stats.Invalid);
            Assert.Equal(before.ExpiresAt, after.ExpiresAt);
        }
    }

    [Fact]
    public void Rst_below_max_ack_is_accepted_with_ignore_invalid_rst()
    {
        var h = new Harness(s => s.TcpIgnoreInvalidRst = true);
        h.Send(_c.Syn());
        h.SendAfter(0.01, _c.SynAck());
        h.SendAfter(0.01, _c.HandshakeAck());
        h.SendAfter(0.1, _c.C(TcpFlags.Ack | TcpFlags.Psh, 1001, 5001, payload: 100));
        h.SendAfter(0.1, _c.S(TcpFlags.Ack, 5001, 1101));
        Assert.NotEqual(CtInfo.Invalid, h.SendAfter(1, _c.C(TcpFlags.Rst, 1050)).State);
        Assert.Equal(0, h.Stats.Invalid);
    }

    // §4.7 (observed): out-of-window data and an ACK of data not seen yet are INVALID; the entry is unchanged.
    [Theory]
    [InlineData(1001u + 3_000_000u, 5001u)]
    [InlineData(1001u, 5001u + 100_000u)]
    public void Out_of_window_segments_are_invalid(uint seq, uint ack)
    {
        Handshake();
        var before = _h.Entry(_c.Tuple);
        var v = _h.SendAfter(1, _c.C(TcpFlags.Ack | TcpFlags.Psh, seq, ack, payload: 10));
        Assert.Equal(CtInfo.Invalid, v.State);
        Assert.Equal(1, _h.Stats.Invalid);
        var after = _h.Entry(_c.Tuple);
        Assert.Equal(before.ExpiresAt, after.ExpiresAt);
        Assert.Equal(TcpConnState.Established, after.TcpState);
    }

    // §4.7: nf_conntrack_tcp_be_liberal=1 accepts what the window check would refuse.
    [Fact]
    public void Be_liberal_accepts_out_of_window_segments()
    {
        var h = new Harness(s => s.TcpBeLiberal = true);
        h.Send(_c.Syn());
        h.SendAfter(0.01, _c.SynAck());
        h.SendAfter(0.01, _c.HandshakeAck());
        Assert.Equal(CtInfo.Established, h.SendAfter(1, _c.C(TcpFlags.Ack | TcpFlags.Psh, 1001 + 3_000_000, 5001, payload: 10)).State);
        Assert.Equal(0, h.Stats.Invalid);
    }

    // §10.10: a mid-stream pickup is BE_LIBERAL on both directions forever — no window checks.
    [Fact]
    public void Picked_up_connection_is_never_window_checked()
    {
        _h.Send(_c.C(TcpFlags.Ack, 7000, 9000));
        _h.SendAfter(0.01, _c.S(TcpFlags.Ack, 9000, 7000));
        Assert.Equal(CtInfo.Established, _h.SendAfter(0.01, _c.C(TcpFlags.Ack | TcpFlags.Psh, 7000 + 50_000_000, 9000, payload: 10)).State);
        Assert.Equal(CtInfo.EstablishedReply, _h.SendAfter(0.01, _c.S(TcpFlags.Ack, 9000, 3_000_000_000)).State);
        Assert.Equal(0, _h.Stats.Invalid);
    }

    // §4.6: RST in a closing state → CLOSE, 10 s.
    [Fact]
    public void Rst_in_fin_wait_goes_to_close()
    {
        Handshake();
        _h.SendAfter(1, _c.C(TcpFlags.Fin | TcpFlags.Ack, 1001, 5001));
        _h.SendAfter(0.1, _c.S(TcpFlags.Rst, 5001));
        Assert.Equal(TcpConnState.Close, _h.Entry(_c.Tuple).TcpState);
        Assert.Equal(10, _h.TimeoutOf(_c.Tuple));
    }

    // §4.3 REPLY/SYN_SENT + §10.7: an ACK from the server before its SYN/ACK is ignored (no state change, no refresh).
    [Fact]
    public void Reply_ack_in_syn_sent_is_ignored()
    {
        var h = new Harness(s => s.Accounting = true);
        h.Send(_c.Syn());
        var before = h.Entry(_c.Tuple);
        var v = h.SendAfter(1, _c.S(TcpFlags.Ack, 5001, 1001));
        Assert.Equal(CtInfo.EstablishedReply, v.State);
        var after = h.Entry(_c.Tuple);
        Assert.Equal(TcpConnState.SynSent, after.TcpState);
        Assert.Equal(before.ExpiresAt, after.ExpiresAt);
        Assert.Equal(0, after.Counters.ReplyPackets);
        Assert.Equal(0, h.Stats.Invalid);
    }

    // §4.7 "Observed": a SYN in ESTABLISHED is accepted but ignored.
    [Fact]
    public void Syn_in_established_is_ignored()
    {
        Handshake();
        var before = _h.Entry(_c.Tuple);
        var v = _h.SendAfter(5, _c.C(TcpFlags.Syn, 1000));
        Assert.Equal(CtInfo.Established, v.State);
        var after = _h.Entry(_c.Tuple);
        Assert.Equal(before.Id, after.Id);
        Assert.Equal(TcpConnState.Established, after.TcpState);
        Assert.Equal(before.ExpiresAt, after.ExpiresAt);
    }

    // §10.6: every original-direction packet before the first reply is NEW.
    [Fact]
    public void Original_packets_before_a_reply_are_new()
    {
        _h.Send(_c.Syn());
        Assert.Equal(CtInfo.New, _h.SendAfter(0.5, _c.Syn()).State);
        _h.SendAfter(0.5, _c.SynAck());
        Assert.Equal(CtInfo.Established, _h.SendAfter(0.5, _c.HandshakeAck()).State);
    }

    // §4.2: with nf_conntrack_checksum=1 a bad TCP checksum is invalid; with 0 it is tracked.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Checksum_setting_decides_whether_a_bad_checksum_is_invalid(bool checksum)
    {
        var h = new Harness(s => s.Checksum = checksum);
        var syn = _c.Syn();
        syn[36] ^= 0xFF; // TCP checksum field (20 + 16)
        var v = h.Send(syn);
        if (checksum)
        {
            Assert.Equal(CtInfo.Invalid, v.State);
            Assert.Equal(1, h.Stats.Invalid);
            Assert.Equal(0, h.Table.Count);
        }
        else
        {
            Assert.Equal(CtInfo.New, v.State);
            Assert.Equal(0, h.Stats.Invalid);
            Assert.Equal(1, h.Table.Count);
        }
    }

    // §4.2: a TCP header whose data offset runs past the segment is "truncated packet" → invalid.
    [Fact]
    public void Malformed_tcp_header_is_invalid()
    {
        var h = new Harness(s => s.Checksum = false);
        var syn = _c.Syn();
        syn[32] = 0xF0; // data offset 15 (60 bytes) in a 20-byte segment
        Assert.Equal(CtInfo.Invalid, h.Send(syn).State);
        Assert.Equal(1, h.Stats.Invalid);
        Assert.Equal(0, h.Table.Count);
    }

    // §4.3: simultaneous open — SYN from both sides → SYN_SENT2, then SYN/ACK → SYN_RECV.
    [Fact]
    public void Simultaneous_open()
    {
        _h.Send(_c.Syn());
        _h.SendAfter(0.01, _c.S(TcpFlags.Syn, 5000));
        Assert.Equal(TcpConnState.SynSent2, _h.Entry(_c.Tuple).TcpState);
        _h.SendAfter(0.01, _c.C(TcpFlags.Syn | TcpFlags.Ack, 1000, 5001));
        Assert.Equal(TcpConnState.SynRecv, _h.Entry(_c.Tuple).TcpState);
    }
}
