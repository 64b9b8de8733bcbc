using Conntrack.Packets;
using Conntrack.Replay.Scenarios;

namespace Conntrack.KernelParity.Tests.TableFull;

/// <summary>
/// Generators for the table-full rows, on top of the engine's own <see cref="FlowSource"/> machinery
/// (merged by <see cref="TrafficMixer"/>; the SYN flood itself is the engine's <see cref="SynFloodSource"/>).
/// Addresses stay clear of the B–C link (10.202.255.0/30) and of the martian ranges B would refuse.
/// </summary>
internal static class FloodAddresses
{
    public const uint WebServer = 0xC000020A;   // 192.0.2.10
    public const uint Resolver = 0xC0000235;    // 192.0.2.53
    public const uint Monitored = 0xC0000240;   // 192.0.2.64

    /// <summary>Client number <paramref name="index"/> of the established connections: 10.203.0.0/16.</summary>
    public static uint Client(int index) => 0x0ACB0000u + 1 + (uint)index;

    /// <summary>Any routable unicast source outside 0/8, 10/8, 127/8, 192.0.2/24 and multicast (as the engine's SYN flood draws them).</summary>
    public static uint Spoofed(Random random)
    {
        while (true)
        {
            uint a = (uint)random.NextInt64(0x01000000, 0xE0000000);
            if ((a >> 24) is not (0 or 10 or 127) && (a >> 8) != 0xC00002)
                return a;
        }
    }
}

/// <summary>
/// Exactly <paramref name="count"/> TCP connections evenly spread over [from, until): SYN, SYN/ACK, the
/// client's first data (which completes the handshake) and the server's data, so each entry ends
/// ESTABLISHED and ASSURED — out of early drop's reach. With <paramref name="keepAlive"/> &gt; 0 the
/// first that many connections exchange one more data segment and its ACK from <paramref name="keepAliveFrom"/>
/// on, in the middle of the flood: packets of existing entries never need an allocation.
/// </summary>
internal sealed class AssuredConnectionSource(int count, long fromOffset, long untilOffset, int keepAlive = 0, long keepAliveFrom = 0, long keepAliveUntil = 0) : FlowSource
{
    private const long Step = 200 * 1000; // 0.2 ms between a connection's packets

    public override IEnumerable<ScheduledFlow> Flows(Random random, long start, long end)
    {
        long spacing = Math.Max(1, (untilOffset - fromOffset) / Math.Max(1, count));
        long keepAliveSpacing = keepAlive > 0 ? Math.Max(1, (keepAliveUntil - keepAliveFrom) / keepAlive) : 0;
        for (int i = 0; i < count; i++)
        {
            long t = start + fromOffset + (i * spacing);
            var conversation = new TimedTcpConversation(FloodAddresses.Client(i), (ushort)(40000 + (i % 20000)), FloodAddresses.WebServer, 443,
                (uint)random.Next(), (uint)random.Next());
            long later = i < keepAlive ? start + keepAliveFrom + (i * keepAliveSpacing) : -1;
            yield return new ScheduledFlow(t, Connection(conversation, t, later));
        }
    }

    private static IEnumerable<PacketSpec> Connection(TimedTcpConversation c, long t, long later)
    {
        yield return c.Syn(t);
        yield return c.SynAck(t + Step);
        yield return c.ClientData(t + (2 * Step), 120);
        yield return c.ServerData(t + (3 * Step), 800);
        if (later >= 0)
        {
            yield return c.ClientData(later, 60);
            yield return c.ServerAck(later + Step);
        }
    }
}

/// <summary>One unanswered UDP datagram per flow (a resolver flooded with queries from spoofed sources): unreplied, never ASSURED.</summary>
internal sealed class UdpQuerySource(double rate, long fromOffset, long untilOffset) : FlowSource
{
    public override IEnumerable<ScheduledFlow> Flows(Random random, long start, long end)
    {
        long until = Math.Min(end, start + untilOffset);
        for (long t = start + fromOffset + NextArrival(random, rate); t < until; t += NextArrival(random, rate))
        {
            var spec = PacketSpec.Udp(t, FloodAddresses.Spoofed(random), FloodAddresses.Resolver, (ushort)random.Next(1024, 65535), 53, 40);
            yield return new ScheduledFlow(t, [spec]);
        }
    }
}

/// <summary>One unanswered ICMP echo request per flow: unreplied, never ASSURED.</summary>
internal sealed class EchoRequestSource(double rate, long fromOffset, long untilOffset) : FlowSource
{
    public override IEnumerable<ScheduledFlow> Flows(Random random, long start, long end)
    {
        long until = Math.Min(end, start + untilOffset);
        for (long t = start + fromOffset + NextArrival(random, rate); t < until; t += NextArrival(random, rate))
        {
            var spec = PacketSpec.Icmp(t, FloodAddresses.Spoofed(random), FloodAddresses.Monitored, 8, (ushort)random.Next(0, 65536), 1);
            yield return new ScheduledFlow(t, [spec]);
        }
    }
}

/// <summary>
/// Stray SYN/ACKs (backscatter) from the server to random hosts. With room in the table the TCP tracker
/// refuses them (INVALID, nothing kept); in a full table the limit is checked first, so they count as drops.
/// </summary>
internal sealed class StraySynAckSource(double rate, long fromOffset, long untilOffset) : FlowSource
{
    public override IEnumerable<ScheduledFlow> Flows(Random random, long start, long end)
    {
        long until = Math.Min(end, start + untilOffset);
        for (long t = start + fromOffset + NextArrival(random, rate); t < until; t += NextArrival(random, rate))
        {
            var spec = PacketSpec.Tcp(t, FloodAddresses.WebServer, FloodAddresses.Spoofed(random), 80, (ushort)random.Next(1024, 65535),
                TcpFlags.Syn | TcpFlags.Ack, (uint)random.Next(), (uint)random.Next(), 65160);
            yield return new ScheduledFlow(t, [spec]);
        }
    }
}

/// <summary>
/// TCP segments with flag combinations tcp_valid_flags refuses (SYN+FIN, none, FIN+PSH+URG), each from a
/// new tuple (a scan). With room in the table they are INVALID; the question is what a full table makes of them.
/// </summary>
internal sealed class InvalidFlagsSource(double rate, long fromOffset, long untilOffset) : FlowSource
{
    private static readonly TcpFlags[] Combinations = [TcpFlags.Syn | TcpFlags.Fin, TcpFlags.None, TcpFlags.Fin | TcpFlags.Psh | TcpFlags.Urg];

    public override IEnumerable<ScheduledFlow> Flows(Random random, long start, long end)
    {
        long until = Math.Min(end, start + untilOffset);
        int n = 0;
        for (long t = start + fromOffset + NextArrival(random, rate); t < until; t += NextArrival(random, rate))
        {
            var spec = PacketSpec.Tcp(t, FloodAddresses.Spoofed(random), FloodAddresses.WebServer, (ushort)random.Next(1024, 65535), 80,
                Combinations[n++ % Combinations.Length], (uint)random.Next(), 0, 1024);
            yield return new ScheduledFlow(t, [spec]);
        }
    }
}
