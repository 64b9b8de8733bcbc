using Conntrack.Capture;
using Conntrack.Packets;

namespace Conntrack.Replay.Scenarios;

/// <summary>
/// A generated IPv4 TCP connection as timed <see cref="PacketSpec"/>s: <see cref="TcpConversation"/> keeps
/// both sides' sequence numbers, this names the segments a source sends.
/// </summary>
public sealed class TimedTcpConversation(uint client, ushort clientPort, uint server, ushort serverPort, uint clientIsn, uint serverIsn)
{
    private readonly TcpConversation _numbers = new(client, clientPort, server, serverPort, clientIsn, serverIsn);

    public PacketSpec Syn(long t) => Client(t, TcpFlags.Syn, 0);

    public PacketSpec SynAck(long t) => Server(t, TcpFlags.Syn | TcpFlags.Ack, 0);

    public PacketSpec ClientAck(long t) => Client(t, TcpFlags.Ack, 0);

    public PacketSpec ServerAck(long t) => Server(t, TcpFlags.Ack, 0);

    public PacketSpec ClientData(long t, ushort length) => Client(t, TcpFlags.Ack | TcpFlags.Psh, length);

    public PacketSpec ServerData(long t, ushort length) => Server(t, TcpFlags.Ack | TcpFlags.Psh, length);

    public PacketSpec ClientFin(long t) => Client(t, TcpFlags.Fin | TcpFlags.Ack, 0);

    public PacketSpec ServerFin(long t) => Server(t, TcpFlags.Fin | TcpFlags.Ack, 0);

    private PacketSpec Client(long t, TcpFlags flags, ushort length)
    {
        var (seq, ack) = _numbers.Next(fromClient: true, flags, length);
        return PacketSpec.Tcp(t, client, server, clientPort, serverPort, flags, seq, ack, _numbers.ClientWindow, length);
    }

    private PacketSpec Server(long t, TcpFlags flags, ushort length)
    {
        var (seq, ack) = _numbers.Next(fromClient: false, flags, length);
        return PacketSpec.Tcp(t, server, client, serverPort, clientPort, flags, seq, ack, _numbers.ServerWindow, length);
    }
}
