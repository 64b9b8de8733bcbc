using Conntrack.TestData;
using Conntrack.Core.Tests.Support;
using Conntrack.Packets;
using Conntrack.Protocols;
using Conntrack.Table;
using static Conntrack.TestData.Pkt;

namespace Conntrack.Core.Tests;

/// <summary>Table lifecycle: expiry, garbage collection, limits and early drop, events, accounting (reference §3, §6).</summary>
public sealed class TableTests
{
    private static byte[] UdpFrom(int i) => Udp("10.1.0.1", (ushort)(10000 + i), "10.2.0.1", 53, payload: 10);

    private static TcpConn Conn(int i) => new("10.1." + (i / 250) + "." + (1 + (i % 250)), (ushort)(20000 + i), "10.2.0.1", 443);

    private static void Handshake(Harness h, TcpConn c)
    {
        h.SendAfter(0.001, c.Syn());
        h.SendAfter(0.001, c.SynAck());
        h.SendAfter(0.001, c.HandshakeAck());
    }

    // §3.4 / §10.3: an expired entry is never matched; the next packet creates a new entry.
    [Theory]
    [InlineData(30.0)]   // exactly at expiry: (s32)(timeout - now) <= 0 is expired
    [InlineData(31.0)]
    [InlineData(3600.0)]
    public void Expired_entry_is_not_matched(double after)
    {
        var h = new Harness();
        var tuple = TupleOf(UdpFrom(1));
        h.Send(UdpFrom(1));
        uint firstId = h.Entry(tuple).Id;
        var v = h.SendAfter(after, UdpFrom(1));
        Assert.Equal(CtInfo.New, v.State);
        var e = h.Entry(tuple);
        Assert.NotEqual(firstId, e.Id);
        Assert.True(e.IsUnreplied);
        Assert.Equal(1, h.Table.Count);
        Assert.Equal(ConntrackEventType.Destroy, h.Sink.Events[1].Type);
        Assert.Equal(firstId, h.Sink.Events[1].Entry.Id);
    }

    [Fact]
    public void Packet_just_before_expiry_refreshes()
    {
        var h = new Harness();
        var tuple = TupleOf(UdpFrom(1));
        h.Send(UdpFrom(1));
        uint id = h.Entry(tuple).Id;
        Assert.Equal(CtInfo.New, h.SendAfter(29.999, UdpFrom(1)).State);
        Assert.Equal(id, h.Entry(tuple).Id);
        Assert.Equal(30, h.TimeoutOf(tuple));
    }

    // §3.6 / §10.3: expired entries stay counted until the collector (or a lookup) reaps them.
    [Fact]
    public void Collector_reaps_expired_entries()
    {
        var h = new Harness();
        var keeper = Generic("10.9.9.1", "10.9.9.2", 50, Hex("0000000100000001")); // 600 s
        h.Send(keeper);
        for (int i = 0; i < 20; i++)
            h.SendAfter(0.001, UdpFrom(i));
        Assert.Equal(21, h.Table.Count);

        // 100 s later nothing has run yet: the expired entries are still counted, but not listed.
        h.Now += Harness.Sec(100);
        Assert.Equal(21, h.Table.Count);
        Assert.Single(h.Table.Snapshot(h.Now));

        // The next packet (of the surviving flow) runs the collector first.
        Assert.Equal(CtInfo.New, h.Send(keeper).State);
        Assert.Equal(1, h.Table.Count);
        Assert.Equal(20, h.Sink.Events.Count(e => e.Type == ConntrackEventType.Destroy));
        Assert.True(h.Has(TupleOf(keeper)));
    }

    [Fact]
    public void Collector_leaves_live_entries_alone()
    {
        var h = new Harness();
        for (int i = 0; i < 20; i++)
            h.SendAfter(0.001, UdpFrom(i));
        h.SendAfter(10, Generic("10.9.9.1", "10.9.9.2", 50, Hex("0000000100000001")));
        h.SendAfter(10, Generic("10.9.9.1", "10.9.9.2", 50, Hex("0000000100000001")));
        Assert.Equal(21, h.Table.Count);
        Assert.DoesNotContain(h.Sink.Events, e => e.Type == ConntrackEventType.Destroy);
    }

    // §6.1/§6.2/§6.6: the table is full of ASSURED entries, so early drop finds nothing and the new
    // connection is dropped: `drop` +1, verdict dropped, the sink hears about it.
    [Fact]
    public void Full_table_of_assured_entries_drops_new_connections()
    {
        const int max = 64;
        var h = new Harness(s => { s.Max = max; s.Buckets = 512; });
        for (int i = 0; i < max; i++)
            Handshake(h, Conn(i));
        Assert.Equal(max, h.Table.Count);
        Assert.All(h.Table.Snapshot(h.Now), e => Assert.True(e.IsAssured));

        var late = Conn(1000);
        var v = h.SendAfter(0.001, late.Syn());
        Assert.True(v.Dropped);
        Assert.Equal(CtInfo.Invalid, v.State);
        Assert.Equal(1, h.Stats.Drop);
        Assert.Equal(0, h.Stats.EarlyDrop);
        Assert.Equal(0, h.Stats.Invalid);
        Assert.Equal([(h.Now, late.Tuple)], h.Sink.TableFull);
        Assert.Equal(max, h.Table.Count);
        Assert.False(h.Has(late.Tuple));

        // Existing connections keep working.
        var known = Conn(5);
        Assert.Equal(CtInfo.Established, h.SendAfter(0.001, known.C(TcpFlags.Ack, 1001, 5001, window: 9)).State);
        Assert.Equal(1, h.Stats.Drop);
    }

    // §6.1 / §10.1: the limit is checked before the tracker validates the packet, so a packet that would
    // only have been invalid is dropped and counted in `drop`; non-invertible ICMP never allocates.
    [Fact]
    public void Full_table_drops_even_packets_that_would_be_invalid()
    {
        const int max = 8;
        var h = new Harness(s => { s.Max = max; s.Buckets = 512; });
        for (int i = 0; i < max; i++)
            Handshake(h, Conn(i));

        var stray = Conn(500).S(TcpFlags.Syn | TcpFlags.Ack, 1, 1);
        Assert.True(h.SendAfter(0.001, stray).Dropped);
        Assert.True(h.SendAfter(0.001, Icmp("10.3.0.1", "10.3.0.2", 0, 0, 7, 1)).Dropped); // lone echo reply
        Assert.Equal(2, h.Stats.Drop);
        Assert.Equal(0, h.Stats.Invalid);

        var v = h.SendAfter(0.001, Icmp("10.3.0.1", "10.3.0.2", 9, 0)); // router advertisement
        Assert.False(v.Dropped);
        Assert.Equal(CtInfo.Invalid, v.State);
        Assert.Equal(2, h.Stats.Drop);
        Assert.Equal(1, h.Stats.Invalid);
    }

    // §6.2: with unassured entries, early drop evicts every non-ASSURED entry of the first non-empty bucket
    // among the 8 starting at the new tuple's bucket. 1000 entries in 512 buckets: one is always found
    // (the seed makes the placement deterministic).
    [Fact]
    public void Full_table_of_unassured_entries_early_drops()
    {
        const int max = 1000;
        var h = new Harness(s => { s.Max = max; s.Buckets = 512; }, seed: 7);
        for (int i = 0; i < max; i++)
            h.SendAfter(0.001, Conn(i).Syn());
        Assert.Equal(max, h.Table.Count);

        var late = Conn(5000);
        var v = h.SendAfter(0.001, late.Syn());
        Assert.False(v.Dropped);
        Assert.Equal(CtInfo.New, v.State);
        Assert.True(h.Has(late.Tuple));
        long evicted = h.Stats.EarlyDrop;
        Assert.True(evicted > 0);
        Assert.Equal(0, h.Stats.Drop);
        Assert.Empty(h.Sink.TableFull);
        Assert.Equal(max + 1 - evicted, h.Table.Count);
        var destroyed = h.Sink.Events.Where(e => e.Type == ConntrackEventType.Destroy).ToList();
        Assert.Equal(evicted, destroyed.Count);
        Assert.All(destroyed, e => Assert.Equal(TcpConnState.SynSent, e.Entry.TcpState));
    }

    // §6.2: ASSURED entries are never evicted on the packet path, even when mixed with unassured ones.
    [Fact]
    public void Early_drop_spares_assured_entries()
    {
        const int max = 600;
        var h = new Harness(s => { s.Max = max; s.Buckets = 512; }, seed: 11);
        for (int i = 0; i < max; i++)
        {
            if (i % 2 == 0)
                Handshake(h, Conn(i));
            else
                h.SendAfter(0.001, Conn(i).Syn());
        }
        for (int i = 0; i < 50; i++)
            h.SendAfter(0.001, Conn(10000 + i).Syn());
        Assert.True(h.Stats.EarlyDrop > 0);
        Assert.All(h.Sink.Events.Where(e => e.Type == ConntrackEventType.Destroy), e => Assert.False(e.Entry.IsAssured));
        Assert.Equal(max / 2, h.Table.Snapshot(h.Now).Count(e => e.IsAssured));
        Assert.True(h.Table.Count <= max);
    }

    // §6.2 / §10.2: early drop is local — only 8 buckets from the new tuple's bucket are searched. With 200
    // unassured entries in 262144 buckets almost every new connection is dropped (observed ~1 % success).
    [Fact]
    public void Early_drop_is_local_not_global()
    {
        const int max = 200;
        var h = new Harness(s => s.Max = max, seed: 5);
        for (int i = 0; i < max; i++)
            h.SendAfter(0.001, Conn(i).Syn());
        for (int i = 0; i < 100; i++)
            h.SendAfter(0.001, Conn(1000 + i).Syn());
        Assert.True(h.Stats.Drop >= 90, $"drop={h.Stats.Drop}");
        Assert.Equal(100, h.Stats.Drop + h.Sink.Events.Count(e => e.Type == ConntrackEventType.New && e.Entry.Original.SrcId >= 21000));
        Assert.True(h.Table.Count <= max);
    }

    // §6.2 / §10.3: expired entries met by early drop are reaped, but that is not a success: the packet
    // that triggered it is still dropped although room was made.
    [Fact]
    public void Early_drop_reaping_expired_entries_still_drops()
    {
        const int max = 64;
        var h = new Harness(s => { s.Max = max; s.Buckets = 512; }, seed: 9);
        // Let the collector's first run (1 s after start) happen on an idle table: it then sleeps ~60 s.
        var keeper = Generic("10.9.9.1", "10.9.9.2", 50, Hex("0000000100000001"));
        h.Send(keeper);
        h.SendAfter(1.5, keeper);
        Assert.True(h.Table.Remove(TupleOf(keeper), h.Now));
        for (int i = 0; i < max; i++)
        {
            var c = Conn(i);
            Handshake(h, c);
            h.SendAfter(0.001, c.C(TcpFlags.Rst | TcpFlags.Ack, 1001, 5001)); // CLOSE, 10 s, still ASSURED
        }
        h.Now += Harness.Sec(11); // all expired; the collector's next run is far away (60 s cycle)
        bool sawReapingDrop = false;
        for (int i = 0; i < 200 && !sawReapingDrop; i++)
        {
            long countBefore = h.Table.Count, dropsBefore = h.Stats.Drop;
            var v = h.SendAfter(0.001, Conn(1000 + i).Syn());
            // A drop that made room: early drop met expired entries (count went down) yet failed.
            if (v.Dropped && h.Table.Count < countBefore)
            {
                Assert.Equal(dropsBefore + 1, h.Stats.Drop);
                sawReapingDrop = true;
            }
        }
        Assert.True(sawReapingDrop);
        Assert.Equal(0, h.Stats.EarlyDrop);
        // With room made, the next new connection gets in.
        Assert.Equal(CtInfo.New, h.SendAfter(0.001, Conn(4000).Syn()).State);
    }

    // §3.6 item 5 (observed): after a table-full drop the next collector run evicts unassured entries
    // while count ≥ max/100*95 — ending at 189 for max 200 — without counting them in early_drop.
    [Fact]
    public void Collector_early_drop_mode_trims_to_95_percent()
    {
        const int max = 200;
        var h = new Harness(s => s.Max = max, seed: 5);
        for (int i = 0; i < max; i++)
            h.SendAfter(0.001, Conn(i).Syn());
        int n = 0;
        while (h.Stats.Drop == 0)
            h.SendAfter(0.001, Conn(1000 + n++).Syn());
        long earlyDrops = h.Stats.EarlyDrop;
        int count = h.Table.Count;
        Assert.Equal(max, count);

        // 61 s later (entries live 120 s) an invalid packet makes the collector run first.
        h.SendAfter(61, Conn(0).C(TcpFlags.Syn | TcpFlags.Fin, 1));
        Assert.Equal(189, h.Table.Count);
        Assert.Equal(earlyDrops, h.Stats.EarlyDrop);
    }

    // §3.6 item 5 / §10.17: max/100*95 is 0 below 100, which disables the mode.
    [Fact]
    public void Collector_early_drop_mode_is_off_below_100()
    {
        const int max = 50;
        var h = new Harness(s => s.Max = max, seed: 5);
        for (int i = 0; i < max; i++)
            h.SendAfter(0.001, Conn(i).Syn());
        int n = 0;
        while (h.Stats.Drop == 0)
            h.SendAfter(0.001, Conn(1000 + n++).Syn());
        h.SendAfter(61, Conn(0).C(TcpFlags.Syn | TcpFlags.Fin, 1));
        Assert.Equal(max, h.Table.Count);
    }

    // §2.1 / §10.17: nf_conntrack_max = 0 means no limit (≤ 6.18).
    [Fact]
    public void Max_zero_is_unlimited()
    {
        var h = new Harness(s => { s.Max = 0; s.Buckets = 512; });
        for (int i = 0; i < 3000; i++)
            h.SendAfter(0.0001, UdpFrom(i));
        Assert.Equal(3000, h.Table.Count);
        Assert.Equal(0, h.Stats.Drop);
        Assert.Equal(0, h.Stats.EarlyDrop);
    }

    // §3.7 / §8.5: NEW at confirmation, UPDATE per state/status change (coalesced per packet), DESTROY at deletion;
    // events show the entry after the packet, with the full timeout of the instant.
    [Fact]
    public void Tcp_connection_events()
    {
        var h = new Harness();
        var c = new TcpConn("10.99.1.2", 39138, "10.99.2.2", 8080);
        h.Send(c.Syn());
        h.SendAfter(0.001, c.SynAck());
        h.SendAfter(0.001, c.HandshakeAck());
        h.SendAfter(0.001, c.C(TcpFlags.Ack | TcpFlags.Psh, 1001, 5001, payload: 5)); // no change: no event
        h.SendAfter(0.001, c.C(TcpFlags.Fin | TcpFlags.Ack, 1006, 5001));
        h.SendAfter(0.001, c.S(TcpFlags.Ack, 5001, 1007));
        h.SendAfter(0.001, c.S(TcpFlags.Fin | TcpFlags.Ack, 5001, 1007));
        h.SendAfter(0.001, c.C(TcpFlags.Ack, 1007, 5002));
        Assert.True(h.Table.Remove(c.Tuple, h.Now));

        var expected = new (ConntrackEventType Type, TcpConnState State, int Timeout, bool Unreplied, bool Assured)[]
        {
            (ConntrackEventType.New, TcpConnState.SynSent, 120, true, false),
            (ConntrackEventType.Update, TcpConnState.SynRecv, 60, false, false),
            (ConntrackEventType.Update, TcpConnState.Established, 432000, false, true),
            (ConntrackEventType.Update, TcpConnState.FinWait, 120, false, true),
            (ConntrackEventType.Update, TcpConnState.CloseWait, 60, false, true),
            (ConntrackEventType.Update, TcpConnState.LastAck, 30, false, true),
            (ConntrackEventType.Update, TcpConnState.TimeWait, 120, false, true),
            (ConntrackEventType.Destroy, TcpConnState.TimeWait, 120, false, true),
        };
        Assert.Equal(expected.Length, h.Sink.Events.Count);
        for (int i = 0; i < expected.Length; i++)
        {
            var (type, entry) = h.Sink.Events[i];
            Assert.Equal(expected[i].Type, type);
            Assert.Equal(expected[i].State, entry.TcpState);
            Assert.Equal(expected[i].Unreplied, entry.IsUnreplied);
            Assert.Equal(expected[i].Assured, entry.IsAssured);
            Assert.Equal(expected[i].Timeout, entry.RemainingSeconds(h.Sink.EventTimes[i]));
        }
        Assert.All(h.Sink.Events, e => Assert.Equal(h.Sink.Events[0].Entry.Id, e.Entry.Id));
        Assert.Equal(0, h.Table.Count);
    }

    // §8.5 / §3.7: UDP NEW, UPDATE when the reply sets SEEN_REPLY (with the unreplied 30 s), UPDATE on ASSURED,
    // DESTROY when the collector reaps it.
    [Fact]
    public void Udp_events_and_destroy_on_expiry()
    {
        var h = new Harness();
        h.Send(UdpFrom(1));
        h.SendAfter(0.1, Udp("10.2.0.1", 53, "10.1.0.1", 10001, payload: 10));
        h.SendAfter(0.1, UdpFrom(1)); // nothing changes
        h.SendAfter(3, UdpFrom(1));   // ASSURED
        h.SendAfter(500, Generic("10.9.9.1", "10.9.9.2", 50, Hex("0000000100000001")));
        var types = h.Sink.Events.Where(e => e.Entry.Protocol == 17).Select(e => e.Type).ToArray();
        Assert.Equal([ConntrackEventType.New, ConntrackEventType.Update, ConntrackEventType.Update, ConntrackEventType.Destroy], types);
        var udp = h.Sink.Events.Where(e => e.Entry.Protocol == 17).ToArray();
        Assert.False(udp[1].Entry.IsUnreplied);
        Assert.False(udp[1].Entry.IsAssured);
        Assert.Equal(30, udp[1].Entry.RemainingSeconds(h.Sink.EventTimes[h.Sink.Events.IndexOf(udp[1])]));
        Assert.True(udp[2].Entry.IsAssured);
    }

    // §3.4 / §9: with nf_conntrack_acct=1, packets and IP bytes per direction; IGNOREd and
    // not-refreshed packets are not counted; with acct=0 there are no counters.
    [Fact]
    public void Accounting_counts_packets_and_ip_bytes_per_direction()
    {
        var h = new Harness(s => s.Accounting = true);
        var c = new TcpConn("10.0.0.1", 40000, "10.0.0.2", 80);
        var packets = new[]
        {
            (c.Syn(), 0),
            (c.Syn(), 0),                                                     // retransmitted SYN: not counted
            (c.SynAck(), 1),
            (c.HandshakeAck(), 0),
            (c.C(TcpFlags.Ack | TcpFlags.Psh, 1001, 5001, payload: 100), 0),
            (c.S(TcpFlags.Ack | TcpFlags.Psh, 5001, 1101, payload: 1000), 1),
            (c.S(TcpFlags.Syn | TcpFlags.Ack, 5000, 1001), 1),                // late SYN/ACK: IGNORE, not counted
        };
        foreach (var (packet, _) in packets)
            h.SendAfter(0.01, packet);
        var e = h.Entry(c.Tuple);
        Assert.True(e.HasCounters);
        Assert.Equal(new EntryCounters(3, 40 + 40 + 140, 2, 40 + 1040), e.Counters);

        var off = new Harness();
        off.Send(c.Syn());
        Assert.False(off.Entry(c.Tuple).HasCounters);
    }

    [Fact]
    public void Accounting_restarts_on_a_new_entry()
    {
        var h = new Harness(s => s.Accounting = true);
        var q = UdpFrom(3);
        h.Send(q);
        h.SendAfter(1, q);
        Assert.Equal(2, h.Entry(TupleOf(q)).Counters.OriginalPackets);
        h.SendAfter(60, q);
        var e = h.Entry(TupleOf(q));
        Assert.Equal(1, e.Counters.OriginalPackets);
        Assert.Equal(q.Length, e.Counters.OriginalBytes);
    }

    [Fact]
    public void Remove_and_snapshot()
    {
        var h = new Harness();
        for (int i = 0; i < 5; i++)
            h.SendAfter(0.1, UdpFrom(i));
        var snapshot = h.Table.Snapshot(h.Now);
        Assert.Equal(5, snapshot.Count);
        Assert.Equal(snapshot.OrderBy(e => e.Id).Select(e => e.Id), snapshot.Select(e => e.Id));
        // Remove by the reply tuple works too.
        Assert.True(snapshot[2].Original.TryInvert(out var reply));
        Assert.True(h.Table.Remove(reply, h.Now));
        Assert.False(h.Table.Remove(reply, h.Now));
        Assert.Equal(4, h.Table.Count);
        Assert.Equal(ConntrackEventType.Destroy, h.Sink.Events[^1].Type);
    }

    // ip_rcv drops broken IPv4 headers before any netfilter hook: conntrack never sees them, no statistics.
    [Theory]
    [InlineData("45 00 0010 0001 4000 40 06 0000 0a000001 0a000002 00000000")] // total length 16 < IHL 20
    [InlineData("44 00 0018 0001 4000 40 06 0000 0a000001 0a000002 00000000")] // IHL 4
    [InlineData("45")]
    [InlineData("")]
    public void Broken_ip_headers_never_reach_conntrack(string hex)
    {
        var h = new Harness();
        var v = h.Send(Hex(hex));
        Assert.Equal(PacketFate.Discarded, v.Fate);
        Assert.Equal(CtInfo.Invalid, v.State);
        Assert.Equal(default, h.Stats);
        Assert.Equal(0, h.Table.Count);
    }

    // §1.2: what conntrack itself cannot parse (a bad header, a non-first fragment) is stat `invalid`.
    [Theory]
    [InlineData("45 00 0010 0001 4000 40 06 0000 0a000001 0a000002 00000000")]
    [InlineData("45 00 001c 0001 00b9 40 11 0000 0a000001 0a000002 0102030405060708")]
    [InlineData("60000000 0008 3b 40 20010db8000000000000000000000001 20010db8000000000000000000000002 0000000000000000")]
    public void Unparsable_packets_offered_to_the_tracker_count_invalid(string hex)
    {
        var h = new Harness();
        var packet = Hex(hex);
        PacketParser.Parse(packet, 0, out var info);
        var v = h.Table.Process(in info, packet, h.Now);
        Assert.Equal(CtInfo.Invalid, v.State);
        Assert.Equal(1, h.Stats.Invalid);
        Assert.Equal(0, h.Table.Count);
    }
}
