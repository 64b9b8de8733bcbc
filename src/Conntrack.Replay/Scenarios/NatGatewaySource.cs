namespace Conntrack.Replay.Scenarios;

/// <summary>
/// The traffic of a NAT gateway for <c>clients</c> hosts: new flows at <c>rate</c> per second, a mix
/// of short HTTPS connections (TIME_WAIT), DNS lookups, QUIC-like UDP streams that live long enough
/// to become ASSURED (120 s), and a few long-lived TCP sessions that go idle (five days).
/// </summary>
public sealed class NatGatewaySource(double rate, int clients) : FlowSource
{
    public override IEnumerable<ScheduledFlow> Flows(Random random, long start, long end)
    {
        for (long t = start + NextArrival(random, rate); t < end; t += NextArrival(random, rate))
        {
            uint client = Addresses.Client(random, clients);
            ushort port = (ushort)random.Next(32768, 61000);
            double kind = random.NextDouble();
            if (kind < 0.60)
            {
                var c = new TimedTcpConversation(client, port, Addresses.InternetServer(random), 443, (uint)random.Next(), (uint)random.Next());
                long rtt = random.Next(10, 120) * Millisecond;
                int requests = random.Next(1, 4);
                var think = new long[requests];
                var responses = new int[requests];
                for (int i = 0; i < requests; i++)
                {
                    think[i] = random.Next(0, 3000) * Millisecond;
                    responses[i] = random.Next(1, 5);
                }
                yield return new ScheduledFlow(t, WebSource.Connection(c, t, rtt, think, responses));
            }
            else if (kind < 0.85)
            {
                yield return new ScheduledFlow(t, DnsSource.Exchange(client, port, Addresses.Resolver, t, random.Next(5, 60) * Millisecond, random.NextDouble() > 0.02));
            }
            else if (kind < 0.95)
            {
                uint server = Addresses.InternetServer(random);
                int packets = random.Next(6, 40);
                long span = random.Next(3, 30) * Second;
                yield return new ScheduledFlow(t, QuicStream(client, port, server, t, packets, span));
            }
            else
            {
                var c = new TimedTcpConversation(client, port, Addresses.InternetServer(random), 22, (uint)random.Next(), (uint)random.Next());
                yield return new ScheduledFlow(t, IdleConnectionSource.Session(c, t, end, 7200 * Second));
            }
        }
    }

    private static IEnumerable<PacketSpec> QuicStream(uint client, ushort port, uint server, long t, int packets, long span)
    {
        long step = span / packets;
        for (int i = 0; i < packets; i++, t += step)
        {
            yield return (i & 1) == 0
                ? PacketSpec.Udp(t, client, server, port, 443, 1200)
                : PacketSpec.Udp(t, server, client, 443, port, 1200);
        }
    }
}
