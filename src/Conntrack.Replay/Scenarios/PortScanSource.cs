using Conntrack.Packets;

namespace Conntrack.Replay.Scenarios;

/// <summary>
/// One host SYN-scanning every port of a target at <c>rate</c> probes per second. Closed ports
/// answer RST/ACK (the entry goes at once), open ports SYN/ACK (the scanner resets), filtered ports
/// never answer (SYN_SENT for 120 s).
/// </summary>
public sealed class PortScanSource(uint scanner, uint target, double rate, double filteredShare = 0.2) : FlowSource
{
    private static readonly HashSet<ushort> OpenPorts = [22, 80, 443, 8080];

    public override IEnumerable<ScheduledFlow> Flows(Random random, long start, long end)
    {
        var ports = Enumerable.Range(1, 65535).Select(p => (ushort)p).ToArray();
        random.Shuffle(ports);
        long t = start;
        foreach (ushort port in ports)
        {
            t += NextArrival(random, rate);
            if (t >= end)
                yield break;
            ushort sport = (ushort)random.Next(40000, 60000);
            uint seq = (uint)random.Next();
            var answer = OpenPorts.Contains(port) ? Answer.Open : random.NextDouble() < filteredShare ? Answer.None : Answer.Closed;
            yield return new ScheduledFlow(t, Probe(scanner, target, sport, port, seq, t, answer));
        }
    }

    private enum Answer
    {
        Open,
        Closed,
        None,
    }

    private static IEnumerable<PacketSpec> Probe(uint scanner, uint target, ushort sport, ushort port, uint seq, long t, Answer answer)
    {
        yield return PacketSpec.Tcp(t, scanner, target, sport, port, TcpFlags.Syn, seq, 0, 1024);
        if (answer == Answer.Closed)
        {
            yield return PacketSpec.Tcp(t + 300_000, target, scanner, port, sport, TcpFlags.Rst | TcpFlags.Ack, 0, seq + 1, 0);
        }
        else if (answer == Answer.Open)
        {
            yield return PacketSpec.Tcp(t + 300_000, target, scanner, port, sport, TcpFlags.Syn | TcpFlags.Ack, 77_000, seq + 1, 65160);
            yield return PacketSpec.Tcp(t + 400_000, scanner, target, sport, port, TcpFlags.Rst, seq + 1, 0, 0);
        }
    }
}
