using Conntrack.TestData;
using Conntrack.Packets;

namespace Conntrack.KernelParity.Tests.Scenarios;

/// <summary>
/// Every reachable cell of the kernel's TCP transition table (reference §4.3, tcp_conntracks[dir][class][state]):
/// a prefix that brings a connection into a state, then one probe packet of a flag class from one direction,
/// with sequence and acknowledgment numbers in the window. The NONE column exists only for the original
/// direction (a first packet is original by definition), so 5 + 9 × 10 = 95 cells.
/// </summary>
internal static class TcpTransitionScenarios
{
    private enum FlagClass
    {
        Syn,
        SynAck,
        Fin,
        Ack,
        Rst,
    }

    private static readonly (string State, Func<TcpConn, IEnumerable<byte[]>> Prefix)[] States =
    [
        ("NONE", _ => []),
        ("SYN_SENT", c => [c.Client(TcpFlags.Syn)]),
        ("SYN_SENT2", c => [c.Client(TcpFlags.Syn), c.Server(TcpFlags.Syn)]),
        ("SYN_RECV", c => [c.Client(TcpFlags.Syn), c.Server(TcpFlags.Syn | TcpFlags.Ack)]),
        ("ESTABLISHED", c => c.Handshake()),
        ("FIN_WAIT", c => [.. c.Handshake(), c.Client(TcpFlags.Fin | TcpFlags.Ack)]),
        ("CLOSE_WAIT", c => [.. c.Handshake(), c.Client(TcpFlags.Fin | TcpFlags.Ack), c.Server(TcpFlags.Ack)]),
        ("LAST_ACK", c => [.. c.Handshake(), c.Client(TcpFlags.Fin | TcpFlags.Ack), c.Server(TcpFlags.Ack), c.Server(TcpFlags.Fin | TcpFlags.Ack)]),
        ("TIME_WAIT", c => [.. c.Handshake(), .. c.Close()]),
        // An RST exactly at the peer's acknowledged sequence closes an assured connection.
        ("CLOSE", c => [.. c.Handshake(), c.Client(TcpFlags.Rst)]),
    ];

    public static IEnumerable<Scenario> All()
    {
        foreach (var (state, prefix) in States)
        {
            foreach (bool fromClient in new[] { true, false })
            {
                if (state == "NONE" && !fromClient)
                    continue;
                foreach (var flagClass in Enum.GetValues<FlagClass>())
                {
                    string direction = fromClient ? "orig" : "reply";
                    var conversation = ScenarioConversation.New();
                    var builder = new ScenarioBuilder(
                        $"tcp-cell/{state}/{direction}/{flagClass}",
                        $"{flagClass} from the {(fromClient ? "original" : "reply")} direction in {state} (reference §4.3)");
                    builder.Add(prefix(conversation));
                    builder.Add(Probe(conversation, fromClient, flagClass));
                    yield return builder.Build();
                }
            }
        }
    }

    private static byte[] Probe(TcpConn c, bool fromClient, FlagClass flagClass) => flagClass switch
    {
        FlagClass.Syn => c.Send(fromClient, TcpFlags.Syn),
        FlagClass.SynAck => c.Send(fromClient, TcpFlags.Syn | TcpFlags.Ack),
        FlagClass.Fin => c.Send(fromClient, TcpFlags.Fin | TcpFlags.Ack),
        FlagClass.Ack => c.Send(fromClient, TcpFlags.Ack),
        _ => c.Send(fromClient, TcpFlags.Rst),
    };
}
