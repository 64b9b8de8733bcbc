using Conntrack.Capture;
using Conntrack.KernelParity.Tests.Scenarios;
using Conntrack.Packets;

namespace Conntrack.KernelParity.Tests.Fill;

/// <summary>
/// The IP packets that make one filled entry, in order. Original-direction packets go client → server;
/// replies are addressed to the reply tuple the kernel will hold (from the dnat target, to the router's
/// address when masqueraded), so they find the entry as a real answer would after NAT.
/// </summary>
internal static class FillPackets
{
    private const ushort TcpPort = 80;
    private const ushort UdpPort = 53;
    private const ushort SctpPort = 3868;
    private const int MaxPacket = 256;

    private static readonly byte[] GreInner = ScenarioPackets.Udp(ScenarioHost.Client, ScenarioHost.Server, 1, 2);

    /// <summary>
    /// The packets of entry <paramref name="index"/> of <paramref name="group"/> in <paramref name="slot"/>;
    /// Late marks those that must follow the first ones by more than 2 s (the UDP stream test).
    /// </summary>
    public static IEnumerable<(byte[] Packet, bool Late)> Of(FillGroup group, int slot, int index)
    {
        bool v6 = group.Ipv6;
        var client = FillAddresses.Client(index, v6);
        var server = FillAddresses.Server(slot, v6);
        var replyFrom = group.Treatment.HasFlag(FillTreatment.Dnat) ? FillAddresses.DnatTarget(slot, v6) : server;
        var replyTo = group.Treatment.HasFlag(FillTreatment.Masquerade) ? FillAddresses.Router(v6) : client;
        ushort port = FillAddresses.ClientPort(index);
        return group.Kind switch
        {
            >= FillKind.TcpSynSent and <= FillKind.TcpClose => Tcp(group.Kind, new Endpoints(client, server, replyFrom, replyTo, port)).Select(p => (p, false)),
            FillKind.UdpUnreplied => [(ScenarioPackets.Udp(client, server, port, UdpPort), false)],
            FillKind.UdpAssured =>
            [
                (ScenarioPackets.Udp(client, server, port, UdpPort), false),
                (ScenarioPackets.Udp(replyFrom, replyTo, UdpPort, port), false),
                (ScenarioPackets.Udp(client, server, port, UdpPort), true),
            ],
            FillKind.IcmpEcho => [(ScenarioPackets.Icmp(client, server, v6 ? (byte)128 : (byte)8, 0, port, 1, new byte[8]), false)],
            FillKind.Gre =>
            [
                (ScenarioPackets.Gre(client, server, GreInner), false),
                (ScenarioPackets.Gre(replyFrom, replyTo, GreInner), false),
                (ScenarioPackets.Gre(client, server, GreInner), false),
            ],
            FillKind.SctpEstablished => Sctp(new SctpHandshake(port, SctpPort), client, server, replyFrom, replyTo),
            _ => throw new ArgumentOutOfRangeException(nameof(group), group.Kind, "unknown fill kind"),
        };
    }

    private sealed record Endpoints(ScenarioHost Client, ScenarioHost Server, ScenarioHost ReplyFrom, ScenarioHost ReplyTo, ushort ClientPort);

    private static (byte[], bool)[] Sctp(SctpHandshake sctp, ScenarioHost client, ScenarioHost server, ScenarioHost replyFrom, ScenarioHost replyTo) =>
    [
        (sctp.Init(client, server), false),
        (sctp.InitAck(replyFrom, replyTo), false),
        (sctp.CookieEcho(client, server), false),
        (sctp.CookieAck(replyFrom, replyTo), false),
    ];

    /// <summary>The handshake and as much of the close as <paramref name="kind"/> needs (the kernel's transitions from ESTABLISHED).</summary>
    private static IEnumerable<byte[]> Tcp(FillKind kind, Endpoints e)
    {
        // One conversation keeps the sequence numbers; the reply direction's packets are written with the
        // reply tuple's addresses and the same numbers, so the window checks see one connection.
        var original = Conversation(e.Client, e.Server, e.ClientPort);
        var reply = Conversation(e.ReplyTo, e.ReplyFrom, e.ClientPort);
        byte[] Segment(bool fromClient, TcpFlags flags)
        {
            var (seq, ack) = original.Next(fromClient, flags);
            Span<byte> buffer = stackalloc byte[MaxPacket];
            int n = (fromClient ? original : reply).Write(buffer, fromClient, flags, seq: seq, ack: ack);
            return buffer[..n].ToArray();
        }

        yield return Segment(true, TcpFlags.Syn);
        if (kind == FillKind.TcpSynSent)
            yield break;
        yield return Segment(false, TcpFlags.Syn | TcpFlags.Ack);
        if (kind == FillKind.TcpSynRecv)
            yield break;
        yield return Segment(true, TcpFlags.Ack);
        if (kind == FillKind.TcpClose)
            yield return Segment(true, TcpFlags.Rst);
        if (kind is FillKind.TcpEstablished or FillKind.TcpClose)
            yield break;
        yield return Segment(true, TcpFlags.Fin | TcpFlags.Ack);
        if (kind == FillKind.TcpFinWait)
            yield break;
        yield return Segment(false, TcpFlags.Ack);
        if (kind == FillKind.TcpCloseWait)
            yield break;
        yield return Segment(false, TcpFlags.Fin | TcpFlags.Ack);
        if (kind == FillKind.TcpLastAck)
            yield break;
        yield return Segment(true, TcpFlags.Ack);
    }

    private static TcpConversation Conversation(ScenarioHost client, ScenarioHost server, ushort clientPort) => client.IsIpv6
        ? new TcpConversation(client.Bytes, clientPort, server.Bytes, TcpPort, 1000, 5000)
        : new TcpConversation(client.V4, clientPort, server.V4, TcpPort, 1000, 5000);
}
