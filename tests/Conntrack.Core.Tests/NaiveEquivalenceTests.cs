using System.Globalization;
using Conntrack.Benchmarking;
using Conntrack.Flows;
using Conntrack.Packets;
using Conntrack.Protocols;
using Conntrack.Settings;
using Conntrack.Table;
using CsCheck;
using static Conntrack.TestData.Pkt;

namespace Conntrack.Core.Tests;

/// <summary>
/// Property: random packet sequences — TCP with random flags and sequence numbers (mostly
/// following the conversation, sometimes anywhere), UDP, ICMP echo, a few flows, random time
/// steps and a small nf_conntrack_max — get the same verdicts, counters and final entries from
/// <see cref="ConntrackTable"/> as from the naive Dictionary tracker.
/// <para>
/// The naive tracker has no collector and no early drop, and which entries those remove depends on
/// the table's hash layout. So the table's own removals of other flows (its Destroy events) are
/// replayed into the naive tracker before it sees the packet, and each must be legal there: an
/// entry already expired (collector, or a reap on a chain walk), or one not ASSURED (early drop;
/// their number must be the table's <c>early_drop</c> counter). When the table was full, early
/// drop's walk may reap expired entries and still drop the packet (the kernel does not re-check
/// the count): only the removals made before the limit check are replayed first, the rest after.
/// The packet's own flow is left to the naive tracker (lazy expiry, TCP reopen). Everything else —
/// the limit, every tracker, timeouts, counts — must agree exactly.
/// </para>
/// ICMP errors and checksums are left out: the naive tracker has neither RELATED nor checksum checks.
/// </summary>
public class NaiveEquivalenceTests
{
    // Flows 0–5 are TCP, 6–8 UDP, 9–11 ICMP echo; a few servers, so entries share buckets' neighbourhoods.
    private const int Flows = 12;
    private const int FirstUdpFlow = 6;
    private const int FirstIcmpFlow = 9;
    private const long Millisecond = 1_000_000;
    private const long Second = 1_000 * Millisecond;
    private const byte EchoRequest = 8;
    private const byte EchoReply = 0;
    private const EntryStatus Compared = EntryStatus.Expected | EntryStatus.SeenReply | EntryStatus.Assured;

    private enum Verdict
    {
        Tracked,
        Invalid,
        Dropped,
    }

    /// <summary>One packet: of which flow, which way, what it carries, and how long after the one before.</summary>
    internal readonly record struct Step(int Flow, bool Reply, TcpFlags Flags, bool InSequence, uint Seq, uint Ack, int Payload, long Advance)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"+{Advance / Millisecond}ms flow {Flow} {(Reply ? "<-" : "->")} ") + (
            Flow >= FirstIcmpFlow ? string.Create(CultureInfo.InvariantCulture, $"icmp echo seq={(ushort)Seq}")
            : Flow >= FirstUdpFlow ? string.Create(CultureInfo.InvariantCulture, $"udp len={Payload}")
            : string.Create(CultureInfo.InvariantCulture, $"tcp {Flags} {(InSequence ? "in-seq" : $"seq={Seq} ack={Ack}")} len={Payload}"));
    }

    private static readonly Gen<TcpFlags> TcpFlagsGen = Gen.Frequency(
        (4, Gen.Const(TcpFlags.Syn)),
        (3, Gen.Const(TcpFlags.Syn | TcpFlags.Ack)),
        (6, Gen.Const(TcpFlags.Ack)),
        (4, Gen.Const(TcpFlags.Psh | TcpFlags.Ack)),
        (3, Gen.Const(TcpFlags.Fin | TcpFlags.Ack)),
        (1, Gen.Const(TcpFlags.Rst)),
        (1, Gen.Const(TcpFlags.Rst | TcpFlags.Ack)),
        (2, Gen.Byte.Select(b => (TcpFlags)b)));

    private static readonly Gen<long> AdvanceGen = Gen.Frequency(
        (12, Gen.Long[0, 500 * Millisecond]),
        (5, Gen.Long[Second, 150 * Second]),
        (1, Gen.Long[150 * Second, 2_000 * Second]));

    private static readonly Gen<Step> StepGen = Gen.Select(Gen.Int[0, Flows - 1], Gen.Bool, TcpFlagsGen, Gen.Int[0, 9], Gen.UInt, Gen.UInt,
        Gen.Frequency((3, Gen.Const(0)), (1, Gen.Int[1, 1400])), AdvanceGen,
        (flow, reply, flags, inSequence, seq, ack, payload, advance) => new Step(flow, reply, flags, inSequence < 8, seq, ack, payload, advance));

    private static readonly Gen<(int Max, Step[] Steps)> SequenceGen = Gen.Select(Gen.Int[1, 8], StepGen.Array[1, 150]);

    [Fact]
    public void Table_agrees_with_the_naive_tracker_on_random_traffic()
    {
        long drops = 0, earlyDrops = 0, collected = 0;
        SequenceGen.Sample(sample =>
        {
            var outcome = Run(sample.Max, sample.Steps);
            Interlocked.Add(ref drops, outcome.Drops);
            Interlocked.Add(ref earlyDrops, outcome.EarlyDrops);
            Interlocked.Add(ref collected, outcome.Expired);
        }, iter: 400, print: s => $"max {s.Max}:\n  " + string.Join("\n  ", s.Steps));
        // The interesting paths were taken: the limit, early drop, and removals of expired entries.
        Assert.True(drops > 0, "no packet met a full table");
        Assert.True(earlyDrops > 0, "early drop never evicted");
        Assert.True(collected > 0, "no expired entry was removed by the table");
    }

    private readonly record struct Outcome(long Drops, long EarlyDrops, long Expired);

    private static Outcome Run(int max, Step[] steps)
    {
        // One bucket asked for is 512 after rounding, 32 per partition: early drop's eight-bucket walk finds victims.
        var settings = new ConntrackSettings { Max = max, Buckets = 1, Checksum = false };
        var removals = new RemovalLog();
        var table = new ConntrackTable(settings, removals, seed: 7);
        var naive = new DictionaryConntrackTable(settings, Flows);
        var conversations = new Conversation[Flows];
        long now = Second, evicted = 0, expired = 0;
        foreach (var step in steps)
        {
            now += step.Advance;
            byte[] packet = Build(step, ref conversations[step.Flow]);
            var tuple = TupleOf(packet);
            removals.Clear();
            long naiveDrops = naive.Dropped, naiveInvalid = naive.Invalid;
            var verdict = table.Process(packet, now);

            var others = removals.Destroyed.Where(e => !e.Original.Equals(tuple) && !tuple.IsReplyOf(e.Original)).ToList();
            int own = removals.Destroyed.Count - others.Count;
            // Full at the check: the table then held max entries, so only removals made before it come first.
            int first = removals.TableFull ? Math.Max(0, naive.Count - own - max) : others.Count;
            for (int i = 0; i < first; i++)
                Replay(naive, others[i], now, ref evicted, ref expired);
            bool tracked = naive.Process(packet, now);
            for (int i = first; i < others.Count; i++)
            {
                Assert.True(naive.TryGet(others[i].Original, out var entry) && entry.IsExpired(naive.TickOf(now)),
                    $"after a table-full drop only expired entries may go, not {others[i].Original}");
                Replay(naive, others[i], now, ref evicted, ref expired);
            }

            var naiveVerdict = tracked ? Verdict.Tracked : naive.Dropped > naiveDrops ? Verdict.Dropped : naive.Invalid > naiveInvalid ? Verdict.Invalid : (Verdict)(-1);
            Assert.Equal(Classify(verdict), naiveVerdict);
            Assert.Equal(naive.Count, table.Count);
        }

        var stats = table.Statistics;
        Assert.Equal(naive.Invalid, stats.Invalid);
        Assert.Equal(naive.Dropped, stats.Drop);
        Assert.Equal(evicted, stats.EarlyDrop);
        Assert.Equal(0, stats.Error);
        Assert.Equal(Entries(naive, now), Entries(table, now));
        return new Outcome(stats.Drop, stats.EarlyDrop, expired);
    }

    private static Verdict Classify(PacketVerdict verdict) =>
        verdict.Dropped ? Verdict.Dropped
        : verdict.Fate == PacketFate.Accepted && verdict.State != CtInfo.Invalid ? Verdict.Tracked
        : Verdict.Invalid;

    /// <summary>Removes from the naive tracker what the table removed, after checking that the table was allowed to.</summary>
    private static void Replay(DictionaryConntrackTable naive, EntryView removed, long now, ref long evicted, ref long expired)
    {
        Assert.True(naive.TryGet(removed.Original, out var entry), $"the table removed {removed.Original}, which the naive tracker does not hold");
        if (entry.IsExpired(naive.TickOf(now)))
        {
            expired++;
        }
        else
        {
            Assert.True((entry.Status & EntryStatus.Assured) == 0, $"early drop evicted the ASSURED {removed.Original}");
            evicted++;
        }
        naive.Evict(removed.Original);
    }

    private static List<string> Entries(ConntrackTable table, long now) =>
        [.. table.Snapshot(now).Select(e => Describe(e.Original, e.Status, e.ProtocolStateValue, e.ExpiresAt - now)).Order(StringComparer.Ordinal)];

    private static List<string> Entries(DictionaryConntrackTable naive, long now)
    {
        uint tick = naive.TickOf(now);
        return [.. naive.Entries.Where(e => !e.IsExpired(tick))
            .Select(e => Describe(e.Original, e.Status, ProtocolDispatch.StateValue(e), e.RemainingNanos(tick)))
            .Order(StringComparer.Ordinal)];
    }

    private static string Describe(FlowTuple original, EntryStatus status, byte state, long remaining) =>
        string.Create(CultureInfo.InvariantCulture, $"{original} {status & Compared} state {state} expires in {remaining / Millisecond} ms");

    /// <summary>Where a TCP flow's two directions are: the first sequence number and the bytes sent since.</summary>
    private struct Conversation
    {
        public uint ClientStart, ServerStart, ClientSent, ServerSent;
    }

    private static byte[] Build(in Step step, ref Conversation c)
    {
        string client = "10.1.0." + (1 + step.Flow), server = "10.2.0." + (1 + (step.Flow % 3));
        ushort clientPort = (ushort)(40000 + step.Flow), serverPort = (ushort)(step.Flow % 2 == 0 ? 443 : 80);
        if (step.Flow >= FirstIcmpFlow)
        {
            ushort id = (ushort)(100 + step.Flow);
            return step.Reply ? Icmp(server, client, EchoReply, 0, id, (ushort)step.Seq) : Icmp(client, server, EchoRequest, 0, id, (ushort)step.Seq);
        }
        if (step.Flow >= FirstUdpFlow)
            return step.Reply ? Udp(server, 53, client, clientPort, step.Payload) : Udp(client, clientPort, server, 53, step.Payload);

        uint seq = step.Seq, ack = step.Ack;
        if (step.InSequence)
        {
            ref uint start = ref step.Reply ? ref c.ServerStart : ref c.ClientStart;
            ref uint sent = ref step.Reply ? ref c.ServerSent : ref c.ClientSent;
            // A SYN (or SYN/ACK) opens the direction at its random sequence number.
            if ((step.Flags & TcpFlags.Syn) != 0)
                (start, sent) = (step.Seq, 0);
            seq = start + sent;
            ack = step.Reply ? c.ClientStart + c.ClientSent : c.ServerStart + c.ServerSent;
            sent += (uint)step.Payload + ((step.Flags & TcpFlags.Syn) != 0 ? 1u : 0) + ((step.Flags & TcpFlags.Fin) != 0 ? 1u : 0);
        }
        return step.Reply
            ? Tcp(server, serverPort, client, clientPort, step.Flags, seq, ack, payload: step.Payload)
            : Tcp(client, clientPort, server, serverPort, step.Flags, seq, ack, payload: step.Payload);
    }

    /// <summary>The table's removals during one packet, and whether it met a full table.</summary>
    private sealed class RemovalLog : IConntrackEventSink
    {
        public List<EntryView> Destroyed { get; } = [];

        public bool TableFull { get; private set; }

        public void Clear()
        {
            Destroyed.Clear();
            TableFull = false;
        }

        public void OnEvent(ConntrackEventType type, long timestampNanoseconds, in EntryView entry)
        {
            if (type == ConntrackEventType.Destroy)
                Destroyed.Add(entry);
        }

        public void OnTableFull(long timestampNanoseconds, in FlowTuple flow) => TableFull = true;
    }
}
