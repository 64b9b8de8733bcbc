namespace Conntrack.Replay.Scenarios;

/// <summary>
/// Long-lived connections (SSH sessions, database pools, message brokers) that open, talk briefly
/// and then sit idle with a TCP keep-alive every <c>keepAlive</c>: each holds an ESTABLISHED entry
/// under the 432000 s (five-day) timeout whether or not anyone uses it.
/// </summary>
public sealed class IdleConnectionSource(int connections, long openOver, long keepAlive) : FlowSource
{
    public override IEnumerable<ScheduledFlow> Flows(Random random, long start, long end)
    {
        var starts = new long[connections];
        for (int i = 0; i < connections; i++)
            starts[i] = start + (long)(random.NextDouble() * openOver);
        Array.Sort(starts);
        foreach (long t in starts)
        {
            if (t >= end)
                yield break;
            uint client = Addresses.Client(random, Math.Max(connections, 1));
            uint server = Addresses.InternetServer(random);
            var conversation = new TimedTcpConversation(client, (ushort)random.Next(32768, 61000), server, 22, (uint)random.Next(), (uint)random.Next());
            yield return new ScheduledFlow(t, Session(conversation, t, end, keepAlive));
        }
    }

    internal static IEnumerable<PacketSpec> Session(TimedTcpConversation c, long t, long end, long keepAlive)
    {
        yield return c.Syn(t);
        yield return c.SynAck(t += 20 * Millisecond);
        yield return c.ClientAck(t += 20 * Millisecond);
        yield return c.ClientData(t += 5 * Millisecond, 200);
        yield return c.ServerData(t += 20 * Millisecond, 600);
        yield return c.ClientAck(t += 20 * Millisecond);
        for (t += keepAlive; t < end; t += keepAlive)
        {
            yield return c.ClientData(t, 0);
            yield return c.ServerAck(t + (20 * Millisecond));
        }
    }
}
