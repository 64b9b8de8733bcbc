namespace Conntrack.Replay.Scenarios;

/// <summary>
/// DNS clients of one resolver: each query is a new UDP flow (random source port) answered within
/// milliseconds; a query/response pair never becomes ASSURED and lives nf_conntrack_udp_timeout
/// (30 s). A share of queries goes unanswered.
/// </summary>
public sealed class DnsSource(uint resolver, double rate, int clients, double unansweredShare = 0.03) : FlowSource
{
    public override IEnumerable<ScheduledFlow> Flows(Random random, long start, long end)
    {
        for (long t = start + NextArrival(random, rate); t < end; t += NextArrival(random, rate))
        {
            uint client = Addresses.Client(random, clients);
            ushort port = (ushort)random.Next(1024, 65535);
            long delay = random.Next(1, 40) * Millisecond;
            bool answered = random.NextDouble() >= unansweredShare;
            yield return new ScheduledFlow(t, Exchange(client, port, resolver, t, delay, answered));
        }
    }

    internal static IEnumerable<PacketSpec> Exchange(uint client, ushort port, uint resolver, long t, long delay, bool answered)
    {
        yield return PacketSpec.Udp(t, client, resolver, port, 53, 40);
        if (answered)
            yield return PacketSpec.Udp(t + delay, resolver, client, 53, port, 120);
    }
}
