using Conntrack.Packets;
using Conntrack.Capture;
using Conntrack.Settings;
using Conntrack.Table;

namespace Conntrack.Benchmarking;

/// <summary>The benchmark workloads, shared by <c>ctnet bench</c> and the BenchmarkDotNet suite.</summary>
public static class Workloads
{
    public const long Second = 1_000_000_000;
    private const uint Server = 0xC0000201;
    private const ushort Window = 65535;

    /// <summary>Settings for a table sized to exactly <paramref name="flows"/> entries, checksums off (the packets are built, not captured).</summary>
    public static ConntrackSettings Sized(int flows)
    {
        var settings = new ConntrackSettings { Checksum = false };
        settings.Max = flows;
        settings.Buckets = flows;
        return settings;
    }

    /// <summary>Receives one built packet (valid only during the call).</summary>
    public delegate void PacketSink(ReadOnlySpan<byte> packet);

    /// <summary>Flow <paramref name="i"/>'s connection to the server: ISNs 1000 and 5000, both windows 65535.</summary>
    public static TcpConversation Conversation(int i, uint clientIsn = 1000, uint serverIsn = 5000)
    {
        var (client, port) = PacketArena.Client(i);
        return new TcpConversation(client, port, Server, 80, clientIsn, serverIsn) { ClientWindow = Window, ServerWindow = Window };
    }

    /// <summary>The three-way handshake of every flow, built one packet at a time into one buffer (setup cost is not measured).</summary>
    public static void Handshakes(int flows, PacketSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        Span<byte> packet = stackalloc byte[PacketArena.Stride];
        for (int i = 0; i < flows; i++)
        {
            var c = Conversation(i);
            sink(packet[..c.Write(packet, fromClient: true, TcpFlags.Syn)]);
            sink(packet[..c.Write(packet, fromClient: false, TcpFlags.Syn | TcpFlags.Ack)]);
            sink(packet[..c.Write(packet, fromClient: true, TcpFlags.Ack)]);
        }
    }

    /// <summary>Opens every flow with a three-way handshake.</summary>
    public static void Establish(ConntrackTable table, int flows, long now) => Handshakes(flows, p => table.Process(p, now));

    /// <summary>One ACK per direction of every established flow, in flow order.</summary>
    public static PacketArena EstablishedAcks(int flows)
    {
        var hits = new PacketArena(flows * 2);
        for (int i = 0; i < flows; i++)
        {
            // Numbered as after the handshake.
            var c = Conversation(i, 1001, 5001);
            hits.Add(c, fromClient: true, TcpFlags.Ack);
            hits.Add(c, fromClient: false, TcpFlags.Ack);
        }
        return hits;
    }

    /// <summary>Whole connections: SYN, SYN/ACK, ACK, FIN, FIN, ACK.</summary>
    public static PacketArena Connections(int connections)
    {
        var arena = new PacketArena(connections * 6);
        for (int i = 0; i < connections; i++)
        {
            var c = Conversation(i);
            arena.Add(c, fromClient: true, TcpFlags.Syn);
            arena.Add(c, fromClient: false, TcpFlags.Syn | TcpFlags.Ack);
            arena.Add(c, fromClient: true, TcpFlags.Ack);
            arena.Add(c, fromClient: true, TcpFlags.Fin | TcpFlags.Ack);
            arena.Add(c, fromClient: false, TcpFlags.Fin | TcpFlags.Ack);
            arena.Add(c, fromClient: true, TcpFlags.Ack);
        }
        return arena;
    }

    /// <summary>SYNs of flows numbered from <paramref name="first"/>: new tuples every time.</summary>
    public static PacketArena Syns(int first, int count)
    {
        var flood = new PacketArena(count);
        for (int i = 0; i < count; i++)
            flood.Add(Conversation(first + i, clientIsn: 7), fromClient: true, TcpFlags.Syn);
        return flood;
    }

    /// <summary>
    /// Like <see cref="Run"/>, through <see cref="ConntrackTable.ProcessBatch"/> 256 packets at a time,
    /// straight from the arena (no copy). Passes are whole batches.
    /// </summary>
    public static int RunBatched(ConntrackTable table, PacketArena arena, long packets, ref long now)
    {
        const int Batch = 256;
        Span<PacketSlice> slices = stackalloc PacketSlice[Batch];
        Span<PacketVerdict> verdicts = stackalloc PacketVerdict[Batch];
        int tracked = 0;
        int n = arena.Count;
        for (long done = 0, k = 0; done < packets;)
        {
            int count = (int)Math.Min(Batch, Math.Min(packets - done, n - k));
            for (int i = 0; i < count; i++)
                slices[i] = new PacketSlice((int)(k + i) * PacketArena.Stride, arena.LengthOf((int)k + i), now);
            table.ProcessBatch(arena.Bytes, slices[..count], verdicts[..count]);
            for (int i = 0; i < count; i++)
                tracked += verdicts[i].EntryIndex >= 0 ? 1 : 0;
            done += count;
            k += count;
            if (k == n)
            {
                k = 0;
                now += Second / 10;
            }
        }
        return tracked;
    }

    /// <summary>Runs <paramref name="packets"/> packets from the arena round-robin; the clock moves 0.1 s per pass.</summary>
    public static int Run(ConntrackTable table, PacketArena arena, long packets, ref long now)
    {
        int tracked = 0;
        int n = arena.Count;
        for (long i = 0, k = 0; i < packets; i++)
        {
            tracked += table.Process(arena[(int)k], now).EntryIndex >= 0 ? 1 : 0;
            if (++k == n)
            {
                k = 0;
                now += Second / 10;
            }
        }
        return tracked;
    }
}
