namespace Conntrack.Replay.Scenarios;

/// <summary>
/// HTTPS clients of one server: connections arrive at <see cref="Rate"/> per second, carry one to
/// several keep-alive requests, and are closed by the client — each leaves an ASSURED TIME_WAIT
/// entry for nf_conntrack_tcp_timeout_time_wait (120 s).
/// </summary>
public sealed class WebSource(uint server, double rate, int clients) : FlowSource
{
    public double Rate => rate;

    public override IEnumerable<ScheduledFlow> Flows(Random random, long start, long end)
    {
        for (long t = start + NextArrival(random, rate); t < end; t += NextArrival(random, rate))
        {
            uint client = Addresses.Client(random, clients);
            var conversation = new TimedTcpConversation(client, (ushort)random.Next(32768, 61000), server, 443, (uint)random.Next(), (uint)random.Next());
            long rtt = random.Next(2, 60) * Millisecond;
            int requests = random.Next(1, 6);
            var thinkTimes = new long[requests];
            var responses = new int[requests];
            for (int i = 0; i < requests; i++)
            {
                thinkTimes[i] = random.Next(0, 1500) * Millisecond;
                responses[i] = random.Next(1, 5);
            }
            yield return new ScheduledFlow(t, Connection(conversation, t, rtt, thinkTimes, responses));
        }
    }

    internal static IEnumerable<PacketSpec> Connection(TimedTcpConversation c, long t, long rtt, long[] thinkTimes, int[] responses)
    {
        yield return c.Syn(t);
        yield return c.SynAck(t += rtt / 2);
        yield return c.ClientAck(t += rtt / 2);
        for (int i = 0; i < thinkTimes.Length; i++)
        {
            yield return c.ClientData(t += thinkTimes[i] + 1, 320);
            t += rtt / 2;
            for (int j = 0; j < responses[i]; j++)
                yield return c.ServerData(t += 100_000, 1200);
            yield return c.ClientAck(t += rtt / 2);
        }
        yield return c.ClientFin(t += 1_000_000);
        yield return c.ServerFin(t += rtt / 2);
        yield return c.ClientAck(t + (rtt / 2));
    }
}
