using Conntrack.TestData;
using Conntrack.Core.Tests.Support;
using Conntrack.Packets;
using Conntrack.Table;
using static Conntrack.TestData.Pkt;

namespace Conntrack.Core.Tests;

/// <summary>
/// Early drop skips its walk when a partition has no unassured entry and none expired; that is
/// only right while each partition's count of unassured entries is exact and its "no expiry
/// before" time is never later than a linked entry's expiry. Random traffic checks both after
/// every packet against the table's own dump, expired entries included.
/// </summary>
public class EarlyDropKnowledgeTests
{
    private static TcpConn Conn(int i) => new("10.1." + (i / 250) + "." + (1 + (i % 250)), (ushort)(20000 + i), "10.2.0.1", 443);

    private static byte[] UdpOut(int i) => Udp("10.3.0." + (1 + (i % 200)), (ushort)(30000 + i), "10.4.0.1", 53);

    private static byte[] UdpBack(int i) => Udp("10.4.0.1", 53, "10.3.0." + (1 + (i % 200)), (ushort)(30000 + i));

    private static byte[] NextPacket(Random random, int flow) => random.Next(14) switch
    {
        0 => Conn(flow).Syn(),
        1 => Conn(flow).SynAck(),
        2 or 3 => Conn(flow).HandshakeAck(),
        4 => Conn(flow).C(TcpFlags.Fin | TcpFlags.Ack, 1001, 5001),
        5 => Conn(flow).S(TcpFlags.Fin | TcpFlags.Ack, 5001, 1002),
        6 => Conn(flow).C(TcpFlags.Rst | TcpFlags.Ack, 1001, 5001),
        7 => Conn(flow).S(TcpFlags.Rst, 9999, 0),
        // Out-of-window FINs: one from each side shortens an assured entry (nf_tcp_handle_invalid).
        8 => Conn(flow).C(TcpFlags.Fin | TcpFlags.Ack, 1001 + 50_000_000, 5001),
        9 => Conn(flow).S(TcpFlags.Fin | TcpFlags.Ack, 5001 + 50_000_000, 1001),
        10 or 11 => UdpOut(flow),
        _ => UdpBack(flow),
    };

    [Theory]
    [InlineData(1, 150)]   // tight: the table is full most of the time, so early drop runs often
    [InlineData(2, 150)]
    [InlineData(3, 5000)]  // roomy: entries live out their timeouts and the collector reaps them
    public void Partitions_know_their_unassured_entries_and_a_safe_earliest_expiry(int seed, int max)
    {
        var h = new Harness(s => { s.Max = max; s.Buckets = 512; }, seed: (ulong)seed);
        var random = new Random(seed);
        long epoch = long.MinValue; // the first packet's time: ticks count from it
        for (int step = 0; step < 6000; step++)
        {
            // Nanosecond steps, so packets fall anywhere inside the table's 1 ms ticks.
            h.Now += random.Next(200) switch
            {
                0 => Harness.Sec(random.Next(1, 200)),
                < 10 => Harness.Sec(random.Next(1, 12)),
                _ => random.NextInt64(50_000_000),
            };
            h.Send(NextPacket(random, random.Next(600)));
            if (epoch == long.MinValue)
                epoch = h.Now;
            AssertKnowledge(h, step, epoch);
        }
        if (max < 1000)
            Assert.True(h.Stats.EarlyDrop > 0 && h.Stats.Drop > 0, $"early drops {h.Stats.EarlyDrop}, drops {h.Stats.Drop}: the tight table did not exercise early drop");
    }

    [Fact]
    public void An_invalid_fin_pair_that_shortens_an_assured_entry_moves_its_partitions_earliest_expiry()
    {
        var h = new Harness();
        var c = Conn(1);
        h.Send(c.Syn());
        h.SendAfter(0.001, c.SynAck());
        h.SendAfter(0.001, c.HandshakeAck());
        // The collector's first run, a second later, walks every partition: the earliest expiry is
        // then the established entry's, five days away.
        h.SendAfter(2, c.C(TcpFlags.Ack, 1001, 5001));
        var partition = h.Table.Partition(PartitionLayout.PartitionOfSlot(h.Entry(c.Tuple).Slot));
        Assert.True(partition.NoExpiryBefore > h.Now + Harness.Sec(400_000), $"{partition.NoExpiryBefore - h.Now} ns ahead");
        Assert.Equal(0, partition.Unassured); // so early drop would skip its walk here

        // Out-of-window FINs from both sides: nf_tcp_handle_invalid cuts the timeout to 300 s.
        h.SendAfter(0.001, c.S(TcpFlags.Fin | TcpFlags.Ack, 5001 + 50_000_000, 1001));
        h.SendAfter(0.001, c.C(TcpFlags.Fin | TcpFlags.Ack, 1001 + 50_000_000, 5001));
        Assert.Equal(300, h.TimeoutOf(c.Tuple), 0.01);
        Assert.True(h.Entry(c.Tuple).IsAssured);
        Assert.True(partition.NoExpiryBefore <= h.Entry(c.Tuple).ExpiresAt, $"{partition.NoExpiryBefore - h.Now} ns ahead");
    }

    private static void AssertKnowledge(Harness h, int step, long epoch)
    {
        // A view's ExpiresAt is measured from the latest packet; the entry's tick begins up to a tick earlier.
        long phase = (h.Now - epoch) % Entry.TickNanos;
        Span<int> unassured = stackalloc int[PartitionLayout.Partitions];
        Span<long> earliest = stackalloc long[PartitionLayout.Partitions];
        earliest.Fill(long.MaxValue);
        var snapshot = h.Table.Snapshot(h.Now, includeExpired: true);
        AssertVisitListsTheSnapshot(h, snapshot);
        foreach (var entry in snapshot)
        {
            int p = PartitionLayout.PartitionOfSlot(entry.Slot);
            if (!entry.IsAssured)
                unassured[p]++;
            earliest[p] = Math.Min(earliest[p], entry.ExpiresAt - phase);
        }
        for (int p = 0; p < PartitionLayout.Partitions; p++)
        {
            var partition = h.Table.Partition(p);
            Assert.True(unassured[p] == partition.Unassured, $"step {step}, partition {p}: {partition.Unassured} unassured counted, {unassured[p]} in the table");
            Assert.True(partition.NoExpiryBefore <= earliest[p], $"step {step}, partition {p}: no expiry before {partition.NoExpiryBefore}, yet an entry expires at {earliest[p]}");
        }
    }

    /// <summary>Visit shows what Snapshot lists, expired entries included or not, in slot order instead of creation order.</summary>
    private static void AssertVisitListsTheSnapshot(Harness h, IReadOnlyList<EntryView> withExpired)
    {
        foreach (bool includeExpired in new[] { true, false })
        {
            var visited = new List<(int, long)>();
            h.Table.Visit(h.Now, includeExpired, (in EntryView e) => visited.Add((e.Slot, e.ExpiresAt)));
            var listed = (includeExpired ? withExpired : h.Table.Snapshot(h.Now)).Select(e => (e.Slot, e.ExpiresAt)).Order();
            Assert.Equal(listed, visited);
        }
    }
}
