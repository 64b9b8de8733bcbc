using Conntrack.Packets;

namespace Conntrack.Replay.Scenarios;

/// <summary>
/// A SYN flood with spoofed sources against one server port between two offsets of the run. The
/// server answers each SYN with a SYN/ACK nobody acknowledges, so entries sit in SYN_RECV (60 s),
/// never ASSURED — early drop's favourite prey.
/// </summary>
public sealed class SynFloodSource(uint server, ushort port, double rate, long fromOffset, long untilOffset, bool serverAnswers = true) : FlowSource
{
    public override IEnumerable<ScheduledFlow> Flows(Random random, long start, long end)
    {
        long until = Math.Min(end, start + untilOffset);
        for (long t = start + fromOffset + NextArrival(random, rate); t < until; t += NextArrival(random, rate))
        {
            uint source = Addresses.Spoofed(random);
            ushort sport = (ushort)random.Next(1024, 65535);
            uint seq = (uint)random.Next();
            uint serverSeq = (uint)random.Next();
            yield return new ScheduledFlow(t, Attempt(source, sport, server, port, seq, serverSeq, t, serverAnswers));
        }
    }

    private static IEnumerable<PacketSpec> Attempt(uint source, ushort sport, uint server, ushort port, uint seq, uint serverSeq, long t, bool answers)
    {
        yield return PacketSpec.Tcp(t, source, server, sport, port, TcpFlags.Syn, seq, 0, 1024);
        if (answers)
            yield return PacketSpec.Tcp(t + 200_000, server, source, port, sport, TcpFlags.Syn | TcpFlags.Ack, serverSeq, seq + 1, 65160);
    }
}
